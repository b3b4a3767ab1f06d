package com.gputelemetry.telemetry.entity;

import java.util.stream.DoubleStream;

/**
 * The codings {@link PackedPoints} and the rollups' packed minutes write their columns in: deltas of deltas, values
 * XOR'd or as scaled decimals, and the variable-length numbers they all end up as.
 */
public final class PointCoders {

    /** The widths a non-zero delta is written in, each after a prefix of one more one. */
    private static final int[] BUCKETS = {7, 14, 24, 40, 64};

    private PointCoders() {}

    /** Deltas of deltas: a steady pace costs one bit. */
    public static final class Deltas {
        private long lastDelta;

        public void write(BitOutput out, long delta) {
            writeVariable(out, zigzag(delta - lastDelta));
            lastDelta = delta;
        }

        public long read(BitInput in) {
            lastDelta += unzigzag(readVariable(in));
            return lastDelta;
        }
    }

    /** How a block's values are packed, each against the one before. */
    public interface Values {
        void writeFirst(BitOutput out, double value);

        double readFirst(BitInput in);

        void write(BitOutput out, double value);

        double read(BitInput in);
    }

    /**
     * Values XOR'd with the one before: one bit when equal, else the changed bits, inside the window of the last
     * change when they fit in it.
     */
    public static final class Xors implements Values {
        private long last;
        private int leading = -1;
        private int trailing;

        @Override
        public void writeFirst(BitOutput out, double value) {
            last = Double.doubleToRawLongBits(value);
            out.bits(last, 64);
        }

        @Override
        public double readFirst(BitInput in) {
            last = in.bits(64);
            return Double.longBitsToDouble(last);
        }

        @Override
        public void write(BitOutput out, double value) {
            long bits = Double.doubleToRawLongBits(value);
            long xor = bits ^ last;
            last = bits;
            if (xor == 0) {
                out.bit(false);
                return;
            }
            out.bit(true);
            int lead = Math.min(31, Long.numberOfLeadingZeros(xor));
            int trail = Long.numberOfTrailingZeros(xor);
            if (leading >= 0 && lead >= leading && trail >= trailing) {
                out.bit(false);
                out.bits(xor >>> trailing, 64 - leading - trailing);
                return;
            }
            out.bit(true);
            int meaningful = 64 - lead - trail;
            out.bits(lead, 5);
            out.bits(meaningful - 1, 6);
            out.bits(xor >>> trail, meaningful);
            leading = lead;
            trailing = trail;
        }

        @Override
        public double read(BitInput in) {
            if (in.bit()) {
                if (in.bit()) {
                    leading = (int) in.bits(5);
                    int meaningful = (int) in.bits(6) + 1;
                    trailing = 64 - leading - meaningful;
                }
                last ^= in.bits(64 - leading - trailing) << trailing;
            }
            return Double.longBitsToDouble(last);
        }
    }

    /** Values as whole numbers of a power of ten, as deltas: a reading that moves a little costs a little. */
    public static final class Decimals implements Values {
        private static final double[] SCALES = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
        private final double scale;
        private long last;

        public Decimals(int places) {
            scale = SCALES[places];
        }

        /** The fewest decimal places (0 to 6) that give every value back exactly as a scaled whole number, or -1. */
        public static int fewestPlaces(DoubleStream values) {
            int[] places = {0};
            boolean all = values.allMatch(value -> {
                while (places[0] < SCALES.length && !exact(value, places[0])) {
                    places[0]++;
                }
                return places[0] < SCALES.length;
            });
            return all ? places[0] : -1;
        }

        /** Whether the value is that many places' whole number, given back bit for bit (so never -0 or NaN). */
        private static boolean exact(double value, int places) {
            double scaled = Math.rint(value * SCALES[places]);
            return Math.abs(scaled) < 0x1p53
                    && Double.doubleToRawLongBits(((long) scaled) / SCALES[places])
                            == Double.doubleToRawLongBits(value);
        }

        private long scaled(double value) {
            return (long) Math.rint(value * scale);
        }

        @Override
        public void writeFirst(BitOutput out, double value) {
            last = scaled(value);
            out.bits(last, 64);
        }

        @Override
        public double readFirst(BitInput in) {
            last = in.bits(64);
            return last / scale;
        }

        @Override
        public void write(BitOutput out, double value) {
            long next = scaled(value);
            writeVariable(out, zigzag(next - last));
            last = next;
        }

        @Override
        public double read(BitInput in) {
            last += unzigzag(readVariable(in));
            return last / scale;
        }
    }

    /** 0 in one bit; else a prefix saying how many bits follow: 7, 14, 24, 40 or 64. */
    public static void writeVariable(BitOutput out, long unsigned) {
        if (unsigned == 0) {
            out.bit(false);
            return;
        }
        for (int bucket = 0; bucket < BUCKETS.length - 1; bucket++) {
            if (unsigned >>> BUCKETS[bucket] == 0) {
                // bucket + 1 ones and a zero
                out.bits(((1L << (bucket + 1)) - 1) << 1, bucket + 2);
                out.bits(unsigned, BUCKETS[bucket]);
                return;
            }
        }
        out.bits((1L << BUCKETS.length) - 1, BUCKETS.length);
        out.bits(unsigned, 64);
    }

    public static long readVariable(BitInput in) {
        if (!in.bit()) {
            return 0;
        }
        for (int bucket = 0; bucket < BUCKETS.length - 1; bucket++) {
            if (!in.bit()) {
                return in.bits(BUCKETS[bucket]);
            }
        }
        return in.bits(64);
    }

    public static long zigzag(long signed) {
        return (signed << 1) ^ (signed >> 63);
    }

    public static long unzigzag(long unsigned) {
        return (unsigned >>> 1) ^ -(unsigned & 1);
    }
}
