package com.gputelemetry.telemetry.entity;

import java.util.Arrays;

/**
 * The points of one series over a stretch of closed time, in (time, id) order, and their packed form: times and ids
 * as deltas of deltas, values XOR'd with the value before (Gorilla, as Prometheus and InfluxDB pack theirs). A scrape
 * at a steady interval costs a bit for its time, a bit for its id when the collectors store at a steady pace, and a
 * bit for a value that did not change; what changes costs what its change needs.
 */
public final class PackedPoints {

    /** A point without a time of its own in the CSV. */
    public static final long NO_SOURCE_TIME = Long.MIN_VALUE;

    private static final int FORMAT = 1;
    private static final int MAX_PLACES = 6;
    /** The widths a non-zero delta is written in, each after a prefix of one more one. */
    private static final int[] BUCKETS = {7, 14, 24, 40, 64};

    private long[] ids;
    private long[] times;
    private double[] values;
    private long[] sourceTimes;
    private int size;

    private PackedPoints(int capacity) {
        ids = new long[capacity];
        times = new long[capacity];
        values = new double[capacity];
        sourceTimes = new long[capacity];
    }

    /** None yet: points are added in (time, id) order. */
    public static PackedPoints empty() {
        return new PackedPoints(64);
    }

    /**
     * Adds a point after the last one.
     *
     * @throws IllegalArgumentException when it is not after the last point by (time, id)
     */
    public void add(long id, long timeMicros, double value, long sourceTimeMicros) {
        if (size > 0 && (timeMicros < times[size - 1] || (timeMicros == times[size - 1] && id <= ids[size - 1]))) {
            throw new IllegalArgumentException("point " + id + " at " + timeMicros + " is not after point "
                    + ids[size - 1] + " at " + times[size - 1]);
        }
        if (size == ids.length) {
            int capacity = size * 2;
            ids = Arrays.copyOf(ids, capacity);
            times = Arrays.copyOf(times, capacity);
            values = Arrays.copyOf(values, capacity);
            sourceTimes = Arrays.copyOf(sourceTimes, capacity);
        }
        ids[size] = id;
        times[size] = timeMicros;
        values[size] = value;
        sourceTimes[size] = sourceTimeMicros;
        size++;
    }

    /**
     * These points and those, in (time, id) order; a point in both (the same id) once.
     */
    public PackedPoints merge(PackedPoints other) {
        var merged = new PackedPoints(Math.max(1, size + other.size));
        int i = 0;
        int j = 0;
        while (i < size || j < other.size) {
            boolean mine = j == other.size
                    || (i < size
                            && (times[i] < other.times[j] || (times[i] == other.times[j] && ids[i] <= other.ids[j])));
            if (mine) {
                if (i < size && j < other.size && ids[i] == other.ids[j]) {
                    j++;
                }
                merged.add(ids[i], times[i], values[i], sourceTimes[i]);
                i++;
            } else {
                merged.add(other.ids[j], other.times[j], other.values[j], other.sourceTimes[j]);
                j++;
            }
        }
        return merged;
    }

    public int size() {
        return size;
    }

    public long id(int index) {
        return ids[index];
    }

    public long timeMicros(int index) {
        return times[index];
    }

    public double value(int index) {
        return values[index];
    }

    /** The CSV's own time of the point, or {@link #NO_SOURCE_TIME}. */
    public long sourceTimeMicros(int index) {
        return sourceTimes[index];
    }

    /**
     * The packed form: a format byte, the count, how the values are packed, the first point whole, then each next one
     * against the one before. Values are XOR'd, or, when every one is a decimal of at most six places (a DCGM reading
     * mostly is: whole percents, degrees, watts to the milliwatt), scaled to whole numbers and packed as deltas,
     * whichever is shorter.
     */
    public byte[] pack() {
        byte[] xored = pack(-1);
        int places = decimalPlaces();
        if (places < 0) {
            return xored;
        }
        byte[] scaled = pack(places);
        return scaled.length < xored.length ? scaled : xored;
    }

    private byte[] pack(int places) {
        var out = new BitOutput(size * 3 + 32);
        out.bits(FORMAT, 8);
        out.bits(size, 32);
        out.bits(places + 1, 3);
        if (size == 0) {
            return out.toBytes();
        }
        Values valueCoder = places < 0 ? new Xors() : new Decimals(places);
        out.bits(times[0], 64);
        out.bits(ids[0], 64);
        valueCoder.writeFirst(out, values[0]);
        var timeDeltas = new Deltas();
        var idDeltas = new Deltas();
        long sourceOffset = writeSource(out, 0, 0);
        for (int i = 1; i < size; i++) {
            timeDeltas.write(out, times[i] - times[i - 1]);
            idDeltas.write(out, ids[i] - ids[i - 1]);
            valueCoder.write(out, values[i]);
            sourceOffset = writeSource(out, i, sourceOffset);
        }
        return out.toBytes();
    }

    /** The fewest decimal places (0 to 6) that give every value back exactly as a scaled whole number, or -1. */
    private int decimalPlaces() {
        int places = 0;
        for (int i = 0; i < size; i++) {
            while (places <= MAX_PLACES && !Decimals.exact(values[i], places)) {
                places++;
            }
            if (places > MAX_PLACES) {
                return -1;
            }
        }
        return places;
    }

    /**
     * The points a {@link #pack()} packed.
     *
     * @throws IllegalArgumentException when the bytes are not a packed block of a format this version reads
     */
    public static PackedPoints unpack(byte[] packed) {
        var in = new BitInput(packed);
        int format = (int) in.bits(8);
        if (format != FORMAT) {
            throw new IllegalArgumentException("packed points of format " + format + ", not " + FORMAT);
        }
        int count = (int) in.bits(32);
        int places = (int) in.bits(3) - 1;
        var points = new PackedPoints(Math.max(1, count));
        if (count == 0) {
            return points;
        }
        Values valueCoder = places < 0 ? new Xors() : new Decimals(places);
        long time = in.bits(64);
        long id = in.bits(64);
        double value = valueCoder.readFirst(in);
        var timeDeltas = new Deltas();
        var idDeltas = new Deltas();
        long sourceOffset = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                time += timeDeltas.read(in);
                id += idDeltas.read(in);
                value = valueCoder.read(in);
            }
            long source = NO_SOURCE_TIME;
            if (in.bit()) {
                sourceOffset += unzigzag(readVariable(in));
                source = time + sourceOffset;
            }
            points.ids[i] = id;
            points.times[i] = time;
            points.values[i] = value;
            points.sourceTimes[i] = source;
        }
        points.size = count;
        return points;
    }

    /** A bit for no source time; else the change of its offset from the point's time against the last offset. */
    private long writeSource(BitOutput out, int index, long lastOffset) {
        if (sourceTimes[index] == NO_SOURCE_TIME) {
            out.bit(false);
            return lastOffset;
        }
        out.bit(true);
        long offset = sourceTimes[index] - times[index];
        writeVariable(out, zigzag(offset - lastOffset));
        return offset;
    }

    /** Deltas of deltas: a steady pace costs one bit. */
    private static final class Deltas {
        private long lastDelta;

        void write(BitOutput out, long delta) {
            writeVariable(out, zigzag(delta - lastDelta));
            lastDelta = delta;
        }

        long read(BitInput in) {
            lastDelta += unzigzag(readVariable(in));
            return lastDelta;
        }
    }

    /** How a block's values are packed, each against the one before. */
    private interface Values {
        void writeFirst(BitOutput out, double value);

        double readFirst(BitInput in);

        void write(BitOutput out, double value);

        double read(BitInput in);
    }

    /**
     * Values XOR'd with the one before: one bit when equal, else the changed bits, inside the window of the last
     * change when they fit in it.
     */
    private static final class Xors implements Values {
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
    private static final class Decimals implements Values {
        private static final double[] SCALES = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
        private final double scale;
        private long last;

        Decimals(int places) {
            scale = SCALES[places];
        }

        /** Whether the value is that many places' whole number, given back bit for bit (so never -0 or NaN). */
        static boolean exact(double value, int places) {
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
    private static void writeVariable(BitOutput out, long unsigned) {
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

    private static long readVariable(BitInput in) {
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

    private static long zigzag(long signed) {
        return (signed << 1) ^ (signed >> 63);
    }

    private static long unzigzag(long unsigned) {
        return (unsigned >>> 1) ^ -(unsigned & 1);
    }
}
