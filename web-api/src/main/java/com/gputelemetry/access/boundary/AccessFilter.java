package com.gputelemetry.access.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.access.control.Tokens;
import com.gputelemetry.access.entity.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Lets a request under {@code /api} or {@code /prometheus} through only with a token of the role it needs: 401 with {@code
 * WWW-Authenticate} without a valid token, 403 with a valid token of another role. Ingest and read are open while
 * their setting is empty; admin is closed then.
 */
@WebFilter(
        urlPatterns = {"/api/*", "/prometheus/*"},
        asyncSupported = true)
public class AccessFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class.getName());
    private static final String BEARER = "Bearer ";
    /** For EventSource, which cannot send headers: a token as a query parameter, on the live streams only. */
    private static final String QUERY_TOKEN = "access_token";

    private final Map<Role, Tokens> tokens = new EnumMap<>(Role.class);

    // Read when the container initialises the filter, not injected: a Payara Server killed with SIGKILL once failed to
    // load the application at its next start, and in the module deployed over it a filter had no CDI injection.
    @Override
    public void init() {
        Config config = ConfigProvider.getConfig();
        for (Role role : Role.values()) {
            tokens.put(
                    role,
                    Tokens.parse(config.getOptionalValue(role.setting(), String.class)
                            .orElse(null)));
        }
        LOG.info(() -> "access: ingest " + state(Role.INGEST, "open to anyone") + "; read "
                + state(Role.READ, "open to anyone") + "; admin (scaling workers, replaying and reading dead letters) "
                + state(Role.ADMIN, "closed to everyone"));
    }

    private String state(Role role, String unset) {
        Tokens configured = tokens.get(role);
        return configured.isEmpty()
                ? unset + " (" + role.setting() + " not set)"
                : "needs one of the " + configured.count() + " tokens of " + role.setting();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (Role.isOpen(path)) {
            chain.doFilter(request, response);
            return;
        }
        Role required = Role.requiredFor(request.getMethod(), path);
        if (required != Role.ADMIN && tokens.get(required).isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        String presented = presented(request, required, path);
        if (grants(required, presented)) {
            chain.doFilter(request, response);
        } else if (required == Role.ADMIN && tokens.get(Role.ADMIN).isEmpty()) {
            refuse(response, 403, "Forbidden", "the admin endpoints are closed: the server has no ADMIN_TOKEN");
        } else if (presented == null) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gpu-telemetry\"");
            refuse(
                    response,
                    401,
                    "Unauthorized",
                    "this needs the header Authorization: Bearer <token> with " + article(required) + " token");
        } else if (anyRoleAccepts(presented)) {
            refuse(response, 403, "Forbidden", "the token given is not " + article(required) + " token");
        } else {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gpu-telemetry\", error=\"invalid_token\"");
            refuse(response, 401, "Unauthorized", "the token given is not one of the server's tokens");
        }
    }

    private boolean grants(Role required, String presented) {
        if (presented == null) {
            return false;
        }
        // Admins read too.
        return tokens.get(required).accepts(presented)
                || (required == Role.READ && tokens.get(Role.ADMIN).accepts(presented));
    }

    private boolean anyRoleAccepts(String presented) {
        boolean accepted = false;
        for (Tokens configured : tokens.values()) {
            accepted |= configured.accepts(presented);
        }
        return accepted;
    }

    private static String presented(HttpServletRequest request, Role required, String path) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length());
        }
        if (required == Role.READ && path.endsWith("/stream") && "GET".equals(request.getMethod())) {
            return request.getParameter(QUERY_TOKEN);
        }
        return null;
    }

    private static String article(Role role) {
        return switch (role) {
            case INGEST -> "an ingest";
            case ADMIN -> "an admin";
            case READ -> "a read (or admin)";
        };
    }

    private static void refuse(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        new Problem("about:blank", title, status, detail, "Authorization").send(response);
    }
}
