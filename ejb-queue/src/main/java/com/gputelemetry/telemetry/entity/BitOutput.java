package com.gputelemetry.telemetry.entity;

import java.util.Arrays;

/** Bits written most significant first into a growing byte array: what {@link PackedPoints} writes into. */
public final class BitOutput {

    private byte[] bytes;
    private long bitCount;

    public BitOutput(int expectedBytes) {
        bytes = new byte[Math.max(16, expectedBytes)];
    }

    public void bit(boolean one) {
        bits(one ? 1 : 0, 1);
    }

    /** The low {@code count} bits of {@code value} (count 0 to 64), the highest first. */
    public void bits(long value, int count) {
        for (int left = count; left > 0; ) {
            int index = (int) (bitCount >>> 3);
            if (index == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            int free = 8 - (int) (bitCount & 7);
            int take = Math.min(free, left);
            int chunk = (int) ((value >>> (left - take)) & ((1L << take) - 1));
            bytes[index] |= (byte) (chunk << (free - take));
            left -= take;
            bitCount += take;
        }
    }

    public byte[] toBytes() {
        return Arrays.copyOf(bytes, (int) ((bitCount + 7) >>> 3));
    }
}
