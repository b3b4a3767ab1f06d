package com.gputelemetry.system;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test class opened (servers, databases), closed once its tests are done, the last opened first: a server
 * before the database it uses. Registered as a static field with {@code @RegisterExtension}; each thing is handed
 * to it as it is opened, so that what opened before a failure is closed all the same.
 */
public final class Closing implements AfterAllCallback, AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** @return the thing, for the caller to keep */
    public synchronized <T extends AutoCloseable> T add(T thing) {
        opened.push(thing);
        return thing;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    /** For a test instance's own things, where the class has one instance for all its tests. */
    @Override
    public synchronized void close() throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
