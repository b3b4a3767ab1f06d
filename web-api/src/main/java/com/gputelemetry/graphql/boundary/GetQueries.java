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

/**
 * A query by GET ({@code /graphql?query=...&operationName=...&variables=...}) handed to SmallRye as the POST it would
 * be. SmallRye's own GET path decodes the parameters a second time (a {@code +} or {@code %} in a query changes it) and
 * passes the query as the operation's name, so a named operation is never found.
 */
@WebFilter(urlPatterns = "/graphql", asyncSupported = true)
public class GetQueries extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"GET".equals(request.getMethod()) || request.getHeader("Upgrade") != null) {
            chain.doFilter(request, response);
            return;
        }
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
        chain.doFilter(new AsPost(request, body.build().toString().getBytes(StandardCharsets.UTF_8)), response);
    }

    private static final class AsPost extends HttpServletRequestWrapper {

        private final byte[] body;

        AsPost(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public String getMethod() {
            return "POST";
        }

        @Override
        public String getContentType() {
            return "application/json";
        }

        @Override
        public String getCharacterEncoding() {
            return "UTF-8";
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
