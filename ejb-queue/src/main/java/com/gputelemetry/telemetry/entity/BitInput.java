package com.gputelemetry.telemetry.entity;

/** Reads what a {@link BitOutput} wrote, in the same order. */
public final class BitInput {

    private final byte[] bytes;
    private long position;

    public BitInput(byte[] bytes) {
        this.bytes = bytes;
    }

    public boolean bit() {
        return bits(1) == 1;
    }

    /** The next {@code count} bits (0 to 64) as the low bits of a long. */
    public long bits(int count) {
        long value = 0;
        for (int left = count; left > 0; ) {
            int index = (int) (position >>> 3);
            if (index >= bytes.length) {
                throw new IllegalArgumentException("a packed block ends early, at byte " + index);
            }
            int available = 8 - (int) (position & 7);
            int take = Math.min(available, left);
            int chunk = (bytes[index] >>> (available - take)) & ((1 << take) - 1);
            value = (value << take) | chunk;
            left -= take;
            position += take;
        }
        return value;
    }
}
