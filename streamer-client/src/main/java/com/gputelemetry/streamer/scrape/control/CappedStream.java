package com.gputelemetry.streamer.scrape.control;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads at most so many bytes, then fails: a small gzip body can inflate to gigabytes. */
final class CappedStream extends FilterInputStream {

    private final long cap;
    private long read;

    CappedStream(InputStream in, long cap) {
        super(in);
        this.cap = cap;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws BodyTooLargeException {
        read += n;
        if (read > cap) {
            throw new BodyTooLargeException(cap);
        }
    }

    /** The body went past the cap. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long cap) {
            super("the body is larger than " + CappedBody.size(cap) + " after decompression");
        }
    }
}
