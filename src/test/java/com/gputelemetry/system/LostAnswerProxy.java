package com.gputelemetry.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of the server that loses the answer to the first request on purpose: it passes that request on
 * and cuts the connection the moment the server starts to answer, so the batch is stored but its producer never
 * hears so, as when a server dies between its commit and its answer. Later connections pass both ways, and what the
 * server answered on them is kept for the test to read.
 */
final class LostAnswerProxy implements RunningServer, AutoCloseable {

    private final URI target;
    private final ServerSocket listening;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicBoolean first = new AtomicBoolean(true);
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

    /** What the server answered on the connections after the first. */
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
                boolean loseTheAnswer = first.getAndSet(false);
                threads.execute(() -> pipe(client, server, null));
                threads.execute(() -> {
                    if (loseTheAnswer) {
                        cutAtTheAnswer(server, client);
                    } else {
                        pipe(server, client, laterAnswers);
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void cutAtTheAnswer(Socket server, Socket client) {
        try (server;
                client) {
            server.getInputStream().read();
        } catch (IOException gone) {
            // closed either way
        }
    }

    private static void pipe(Socket from, Socket to, ByteArrayOutputStream copy) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
                if (copy != null) {
                    synchronized (copy) {
                        copy.write(buffer, 0, read);
                    }
                }
            }
        } catch (IOException closed) {
            // the other side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
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
