package com.gputelemetry.access.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.access.control.Grants;
import com.gputelemetry.access.control.Tokens;
import com.gputelemetry.access.entity.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Lets a request under {@code /api}, {@code /prometheus} or {@code /graphql} through only with a token of the role it needs: 401 with {@code
 * WWW-Authenticate} without a valid token, 403 with a valid token of another role. Ingest and read are open while
 * their setting is empty; admin is closed then.
 */
@WebFilter(
        urlPatterns = {"/api/*", "/prometheus/*", "/graphql", "/graphql/*"},
        asyncSupported = true)
public class AccessFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class.getName());
    /** For EventSource, which cannot send headers: a token as a query parameter, on the live streams only. */
    private static final String QUERY_TOKEN = "access_token";

    private Grants grants;

    // Read when the container initialises the filter, not injected: a Payara Server killed with SIGKILL once failed to
    // load the application at its next start, and in the module deployed over it a filter had no CDI injection.
    @Override
    public void init() {
        grants = Grants.configured();
        LOG.info(() -> "access: ingest " + state(Role.INGEST, "open to anyone") + "; read "
                + state(Role.READ, "open to anyone") + "; admin (scaling workers, replaying and reading dead letters) "
                + state(Role.ADMIN, "closed to everyone"));
    }

    private String state(Role role, String unset) {
        Tokens configured = grants.of(role);
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
        String presented = presented(request, required, path);
        if (grants.grants(required, presented) || isGraphQLSocket(request, path)) {
            chain.doFilter(request, response);
        } else if (required == Role.ADMIN && grants.of(Role.ADMIN).isEmpty()) {
            refuse(response, 403, "Forbidden", "the admin endpoints are closed: the server has no ADMIN_TOKEN");
        } else if (presented == null) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gpu-telemetry\"");
            refuse(
                    response,
                    401,
                    "Unauthorized",
                    "this needs the header Authorization: Bearer <token> with " + article(required) + " token");
        } else if (grants.anyRoleAccepts(presented)) {
            refuse(response, 403, "Forbidden", "the token given is not " + article(required) + " token");
        } else {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gpu-telemetry\", error=\"invalid_token\"");
            refuse(response, 401, "Unauthorized", "the token given is not one of the server's tokens");
        }
    }

    /**
     * A GraphQL WebSocket's handshake passes: a browser cannot send headers with it, so the socket checks the token of
     * its {@code connection_init} message (or of this request's header) before it runs anything.
     */
    private static boolean isGraphQLSocket(HttpServletRequest request, String path) {
        return Role.isGraphQL(path) && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    private static String presented(HttpServletRequest request, Role required, String path) {
        String bearer = Grants.bearer(request.getHeader("Authorization"));
        if (bearer != null) {
            return bearer;
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
