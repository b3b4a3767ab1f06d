package com.gputelemetry.system;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of the server that loses the answer to the first request that carries telemetry (its body names
 * a DCGM metric: a CSV batch, or a remote-write request with GPU samples, whose snappy blocks keep a name's first
 * occurrence as it is; not a request of Prometheus' own series only, which has nothing to store twice) on purpose: it
 * passes that request on and cuts the connection the moment the server starts to answer it, so the batch is stored
 * but its producer never hears so, as when a server dies between its commit and its answer. Everything else passes
 * both ways, and what the server answered after the loss is kept for the test to read. It reads the requests' heads
 * for their length (clients do not pipeline: the next answer on a connection is the one to the request before it).
 */
final class LostAnswerProxy implements RunningServer, AutoCloseable {

    private static final byte[] TELEMETRY = "DCGM_".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private final URI target;
    private final ServerSocket listening;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private final ByteArrayOutputStream laterAnswers = new ByteArrayOutputStream();

    private LostAnswerProxy(URI target, ServerSocket listening) {
        this.target = target;
        this.listening = listening;
    }

    static LostAnswerProxy before(RunningServer server) throws IOException {
        var proxy = new LostAnswerProxy(server.uri(""), new ServerSocket(0));
        proxy.threads.execute(proxy::accept);
        return proxy;
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://localhost:" + listening.getLocalPort() + path);
    }

    /** What the server answered after the lost answer. */
    String laterAnswers() {
        synchronized (laterAnswers) {
            return laterAnswers.toString(StandardCharsets.UTF_8);
        }
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket(target.getHost(), target.getPort());
                // Set once a request that carries telemetry has gone to the server while the proxy was armed.
                var dataSent = new AtomicBoolean();
                threads.execute(() -> forwardRequests(client, server, dataSent));
                threads.execute(() -> forwardAnswers(server, client, dataSent));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Passes the requests on, one by one: head, then as many bytes of body as it says. */
    private void forwardRequests(Socket client, Socket server, AtomicBoolean dataSent) {
        try (InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = server.getOutputStream()) {
            while (true) {
                String head = head(in);
                if (head == null) {
                    return;
                }
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                Matcher length = CONTENT_LENGTH.matcher(head);
                if (!length.find() || head.toLowerCase(Locale.ROOT).contains("\nupgrade:")) {
                    // Not a request of known length: the rest of the connection as it comes.
                    in.transferTo(out);
                    return;
                }
                byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
                out.write(body);
                out.flush();
                if (armed.get() && contains(body, TELEMETRY)) {
                    dataSent.set(true);
                }
            }
        } catch (IOException closed) {
            // the other side went away
        } finally {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    /** Passes the answers back, but cuts the connection at the answer to the first request that carried telemetry. */
    private void forwardAnswers(Socket server, Socket client, AtomicBoolean dataSent) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (dataSent.get() && armed.compareAndSet(true, false)) {
                    return;
                }
                out.write(buffer, 0, read);
                out.flush();
                if (!armed.get()) {
                    synchronized (laterAnswers) {
                        laterAnswers.write(buffer, 0, read);
                    }
                }
            }
        } catch (IOException closed) {
            // the other side went away
        } finally {
            closeQuietly(server);
            closeQuietly(client);
        }
    }

    /** A request's head up to its blank line, or null at the end of the stream. */
    private static String head(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listening.close();
        threads.shutdownNow();
    }
}
