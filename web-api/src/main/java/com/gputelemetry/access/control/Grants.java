package com.gputelemetry.access.control;

import com.gputelemetry.access.entity.Role;
import java.util.EnumMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** The tokens of every role as configured, and what a presented token may do: one answer for HTTP and WebSocket. */
public final class Grants {

    private static final String BEARER = "Bearer ";

    private final Map<Role, Tokens> tokens = new EnumMap<>(Role.class);

    private Grants(Config config) {
        for (Role role : Role.values()) {
            tokens.put(
                    role,
                    Tokens.parse(config.getOptionalValue(role.setting(), String.class)
                            .orElse(null)));
        }
    }

    /** Read from the configuration of the calling application (its class loader's). */
    public static Grants configured() {
        return new Grants(ConfigProvider.getConfig());
    }

    /** The token of an {@code Authorization: Bearer <token>} value; null for none or another scheme. */
    public static String bearer(String authorization) {
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length());
        }
        return null;
    }

    public Tokens of(Role role) {
        return tokens.get(role);
    }

    /** Ingest and read are open while their setting is empty; admin is closed then. */
    public boolean isOpen(Role role) {
        return role != Role.ADMIN && tokens.get(role).isEmpty();
    }

    /** Whether the token (null when none was presented) may do what the role may. Admins read too. */
    public boolean grants(Role required, String presented) {
        if (isOpen(required)) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        return tokens.get(required).accepts(presented)
                || (required == Role.READ && tokens.get(Role.ADMIN).accepts(presented));
    }

    /** Whether some role accepts the token: a refusal is then 403 (wrong role), not 401 (no such token). */
    public boolean anyRoleAccepts(String presented) {
        boolean accepted = false;
        for (Tokens configured : tokens.values()) {
            accepted |= configured.accepts(presented);
        }
        return accepted;
    }
}
