package com.gputelemetry;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The error page of the web module (WEB-INF/web.xml): what the container itself refuses before JAX-RS sees a request
 * (a path it will not map, a method no servlet takes) gets a problem too, not the container's HTML page.
 */
@WebServlet("/error-page")
public class ErrorPageServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer number ? number : HttpServletResponse.SC_NOT_FOUND;
        String title =
                switch (status) {
                    case 400 -> "Bad Request";
                    case 401 -> "Unauthorized";
                    case 403 -> "Forbidden";
                    case 404 -> "Not Found";
                    case 405 -> "Method Not Allowed";
                    case 413 -> "Content Too Large";
                    case 503 -> "Service Unavailable";
                    default -> status >= 500 ? "Internal Server Error" : "Client Error";
                };
        // Never the container's message or exception: they can name classes and paths of the server.
        String detail = status == 404 ? "nothing is served at this path" : title.toLowerCase();
        new Problem("about:blank", title, status, detail, null).send(response);
    }
}
