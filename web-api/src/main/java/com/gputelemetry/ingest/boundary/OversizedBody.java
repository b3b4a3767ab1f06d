package com.gputelemetry.ingest.boundary;

import java.io.IOException;
import java.io.InputStream;

/**
 * The rest of a request body over the limit, read and dropped so that the client gets its 413: clients such as the
 * JDK's and Go's read the answer only once their request is out, and would wait for it until they time out.
 */
public final class OversizedBody {

    /** A body beyond any reason is cut off instead. */
    private static final long DRAIN_AT_MOST_BYTES = 256L * 1024 * 1024;

    private OversizedBody() {}

    /** @return false when the body went on beyond what is drained: the connection should be closed */
    public static boolean drain(InputStream body) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = DRAIN_AT_MOST_BYTES;
        int read;
        while (left > 0 && (read = body.read(buffer)) >= 0) {
            left -= read;
        }
        return left > 0;
    }
}
