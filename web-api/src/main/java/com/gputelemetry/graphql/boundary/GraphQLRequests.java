package com.gputelemetry.graphql.boundary;

import com.gputelemetry.Problem;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * GraphQL requests as SmallRye gets them. A query by GET ({@code /graphql?query=...&operationName=...&variables=...})
 * becomes the POST it stands for: SmallRye's own GET path decodes the parameters a second time (a {@code +} or {@code
 * %} in a query changes it) and passes the query as the operation's name, so a named operation is never found. A POST's
 * body must be a JSON object (or, as {@code application/graphql}, the query itself) of at most 1 MiB, or it is refused with a problem, where SmallRye would fail with a 500.
 */
@WebFilter(urlPatterns = "/graphql", asyncSupported = true)
public class GraphQLRequests extends HttpFilter {

    private static final int MAX_BODY = 1 << 20;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getHeader("Upgrade") != null) {
            chain.doFilter(request, response);
        } else if ("GET".equals(request.getMethod())) {
            fromParameters(request, response, chain);
        } else if ("POST".equals(request.getMethod())) {
            checkedBody(request, response, chain);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static void checkedBody(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            new Problem("about:blank", "Content Too Large", 413, "a GraphQL request is at most 1 MiB", null)
                    .send(response);
            return;
        }
        String type = request.getContentType();
        boolean rawQuery = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/graphql");
        try (var reader = Json.createReader(new ByteArrayInputStream(body))) {
            if (!rawQuery) {
                reader.readObject();
            }
        } catch (JsonException | IllegalStateException e) {
            new Problem(
                            "about:blank",
                            "Bad Request",
                            400,
                            "the body must be a JSON object: {\"query\": \"...\", \"variables\": {...}}",
                            null)
                    .send(response);
            return;
        }
        chain.doFilter(new WithBody(request, "POST", request.getContentType(), body), response);
    }

    private static void fromParameters(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        JsonObjectBuilder body = Json.createObjectBuilder();
        for (String name : new String[] {"query", "operationName"}) {
            String value = request.getParameter(name);
            if (value != null && !value.isEmpty()) {
                body.add(name, value);
            }
        }
        for (String name : new String[] {"variables", "extensions"}) {
            String value = request.getParameter(name);
            if (value != null && !value.isEmpty()) {
                try (var reader = Json.createReader(new StringReader(value))) {
                    body.add(name, reader.readObject());
                } catch (JsonException e) {
                    new Problem("about:blank", "Invalid parameter", 400, name + " must be a JSON object", name)
                            .send(response);
                    return;
                }
            }
        }
        chain.doFilter(
                new WithBody(
                        request,
                        "POST",
                        "application/json",
                        body.build().toString().getBytes(StandardCharsets.UTF_8)),
                response);
    }

    /** The request with a body read already (or made), and the method and type that go with it. */
    private static final class WithBody extends HttpServletRequestWrapper {

        private final String method;
        private final String contentType;
        private final byte[] body;

        WithBody(HttpServletRequest request, String method, String contentType, byte[] body) {
            super(request);
            this.method = method;
            this.contentType = contentType;
            this.body = body;
        }

        @Override
        public String getMethod() {
            return method;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getCharacterEncoding() {
            String declared = super.getCharacterEncoding();
            return declared == null ? "UTF-8" : declared;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getHeader(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? getContentType() : super.getHeader(name);
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public ServletInputStream getInputStream() {
            var bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("read synchronously");
                }
            };
        }
    }
}
