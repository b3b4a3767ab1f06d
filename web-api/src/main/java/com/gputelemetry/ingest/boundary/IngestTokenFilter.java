package com.gputelemetry.ingest.boundary;

import com.gputelemetry.Problem;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * When {@code INGEST_TOKEN} is configured, both ingest transports (the POST and the WebSocket handshake) require
 * {@code Authorization: Bearer <token>}; a servlet filter sees both before either is handled.
 */
@WebFilter(urlPatterns = {"/api/v1/ingest", "/api/v1/ingest/*"})
public class IngestTokenFilter extends HttpFilter {

    private static final String BEARER = "Bearer ";

    private Optional<String> token;

    // Read when the container initialises the filter, not injected: a Payara Server killed with SIGKILL once failed to
    // load the application at its next start, and in the module deployed over it this filter had no CDI injection,
    // so every ingest answered 500 until the next deployment.
    @Override
    public void init() {
        token = ConfigProvider.getConfig().getOptionalValue("INGEST_TOKEN", String.class);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (token.isEmpty() || token.get().isBlank() || presents(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType(Problem.MEDIA_TYPE);
        var problem = new Problem(
                "about:blank",
                "Unauthorized",
                401,
                "ingest requires the header Authorization: Bearer <token> with the server's ingest token",
                "Authorization");
        response.getOutputStream().write(JsonbBuilder.create().toJson(problem).getBytes(StandardCharsets.UTF_8));
    }

    private boolean presents(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        // Constant time, so that the answer's timing does not reveal how much of a guess was right.
        return MessageDigest.isEqual(
                authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8));
    }
}
