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
        int places = PointCoders.Decimals.fewestPlaces(Arrays.stream(values, 0, size));
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
        PointCoders.Values valueCoder = places < 0 ? new PointCoders.Xors() : new PointCoders.Decimals(places);
        out.bits(times[0], 64);
        out.bits(ids[0], 64);
        valueCoder.writeFirst(out, values[0]);
        var timeDeltas = new PointCoders.Deltas();
        var idDeltas = new PointCoders.Deltas();
        long sourceOffset = writeSource(out, 0, 0);
        for (int i = 1; i < size; i++) {
            timeDeltas.write(out, times[i] - times[i - 1]);
            idDeltas.write(out, ids[i] - ids[i - 1]);
            valueCoder.write(out, values[i]);
            sourceOffset = writeSource(out, i, sourceOffset);
        }
        return out.toBytes();
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
        PointCoders.Values valueCoder = places < 0 ? new PointCoders.Xors() : new PointCoders.Decimals(places);
        long time = in.bits(64);
        long id = in.bits(64);
        double value = valueCoder.readFirst(in);
        var timeDeltas = new PointCoders.Deltas();
        var idDeltas = new PointCoders.Deltas();
        long sourceOffset = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                time += timeDeltas.read(in);
                id += idDeltas.read(in);
                value = valueCoder.read(in);
            }
            long source = NO_SOURCE_TIME;
            if (in.bit()) {
                sourceOffset += PointCoders.unzigzag(PointCoders.readVariable(in));
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
        PointCoders.writeVariable(out, PointCoders.zigzag(offset - lastOffset));
        return offset;
    }
}
