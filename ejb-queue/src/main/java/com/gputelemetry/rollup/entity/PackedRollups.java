package com.gputelemetry.rollup.entity;

import com.gputelemetry.telemetry.entity.BitInput;
import com.gputelemetry.telemetry.entity.BitOutput;
import com.gputelemetry.telemetry.entity.PointCoders;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.DoubleStream;

/**
 * The rollups of one series' tier in one block of time (the minutes of an hour, the hours of a day), packed as its
 * points are: which buckets there are (a bit each), and for each its count, its first point's time (deltas of deltas:
 * a steady scrape costs a bit) and value. What a bucket of one point has besides is its first point again, so it is
 * not written; a bucket of two points adds its last point (its time as the change of the bucket's span; its sum, min
 * and max follow from the two), a bucket of more adds its min, max and sum. Values are XOR'd with
 * the one before, or, when all are decimals of at most six places, scaled and packed as deltas, whichever is shorter.
 * Everything comes back bit for bit: a summary from them is the points' summary.
 */
public final class PackedRollups {

    private static final int FORMAT = 1;

    private PackedRollups() {}

    /**
     * @param rollups of one block of the tier, in bucket order
     * @throws IllegalArgumentException when they are not in order, or not all of that block
     */
    public static byte[] pack(RollupTier tier, long startMicros, Collection<? extends Rollup> rollups) {
        List<Rollup> ordered = List.copyOf(rollups);
        long present = 0;
        int last = -1;
        for (Rollup rollup : ordered) {
            int index = indexOf(tier, startMicros, rollup.bucketMicros());
            if (index <= last) {
                throw new IllegalArgumentException("bucket " + rollup.bucketMicros() + " is not in order");
            }
            present |= 1L << index;
            last = index;
        }
        byte[] xored = pack(tier, startMicros, present, ordered, -1);
        // First, last, min and max are written in the values' coding; the sums always XOR'd.
        int places = PointCoders.Decimals.fewestPlaces(ordered.stream()
                .flatMapToDouble(rollup -> DoubleStream.of(rollup.first(), rollup.last(), rollup.min(), rollup.max())));
        if (places < 0) {
            return xored;
        }
        byte[] scaled = pack(tier, startMicros, present, ordered, places);
        return scaled.length < xored.length ? scaled : xored;
    }

    private static byte[] pack(RollupTier tier, long startMicros, long present, List<Rollup> rollups, int places) {
        var out = new BitOutput(rollups.size() * 6 + 16);
        out.bits(FORMAT, 8);
        out.bits(places + 1, 3);
        out.bits(present, tier.buckets());
        Columns columns = new Columns(places);
        for (Rollup bucket : rollups) {
            PointCoders.writeVariable(out, bucket.count() - 1);
            columns.firstTime(out, bucket.firstMicros() - startMicros);
            columns.values.write(out, bucket.first());
            if (bucket.count() > 1) {
                columns.spans.write(out, bucket.lastMicros() - bucket.firstMicros());
                columns.values.write(out, bucket.last());
            }
            if (bucket.count() > 2) {
                columns.values.write(out, bucket.min());
                columns.values.write(out, bucket.max());
                columns.sums.write(out, bucket.sum());
            }
        }
        return out.toBytes();
    }

    /**
     * The rollups a {@link #pack} packed.
     *
     * @throws IllegalArgumentException when the bytes are not packed rollups of a format this version reads
     */
    public static List<Rollup> unpack(RollupTier tier, long seriesId, long startMicros, byte[] packed) {
        var in = new BitInput(packed);
        int format = (int) in.bits(8);
        if (format != FORMAT) {
            throw new IllegalArgumentException("packed rollups of format " + format + ", not " + FORMAT);
        }
        Columns columns = new Columns((int) in.bits(3) - 1);
        long present = in.bits(tier.buckets());
        List<Rollup> rollups = new ArrayList<>(Long.bitCount(present));
        for (int index = 0; index < tier.buckets(); index++) {
            if ((present & (1L << index)) == 0) {
                continue;
            }
            int count = (int) PointCoders.readVariable(in) + 1;
            long firstMicros = startMicros + columns.firstTime(in);
            double first = columns.values.read(in);
            long lastMicros = firstMicros;
            double last = first;
            if (count > 1) {
                lastMicros = firstMicros + columns.spans.read(in);
                last = columns.values.read(in);
            }
            double min = Math.min(first, last);
            double max = Math.max(first, last);
            double sum = count == 1 ? first : first + last;
            if (count > 2) {
                min = columns.values.read(in);
                max = columns.values.read(in);
                sum = columns.sums.read(in);
            }
            rollups.add(tier.rollup(
                    seriesId,
                    startMicros + index * tier.micros(),
                    new Rollup.Aggregate(count, sum, min, max, firstMicros, first, lastMicros, last)));
        }
        return rollups;
    }

    private static int indexOf(RollupTier tier, long startMicros, long bucketMicros) {
        long index = (bucketMicros - startMicros) / tier.micros();
        if (bucketMicros < startMicros
                || index >= tier.buckets()
                || (bucketMicros - startMicros) % tier.micros() != 0) {
            throw new IllegalArgumentException("bucket " + bucketMicros + " is not one of the block at " + startMicros);
        }
        return (int) index;
    }

    /** The state of the columns, each value against the one before it. */
    private static final class Columns {
        final PointCoders.Deltas firstTimes = new PointCoders.Deltas();
        long firstOffset;
        /** From a bucket's first point to its last, as the change from the bucket before that had two or more. */
        final PointCoders.Deltas spans = new PointCoders.Deltas();
        /** First, last, min and max values. */
        final ValueColumn values;

        final ValueColumn sums = new ValueColumn(new PointCoders.Xors());

        Columns(int places) {
            values = new ValueColumn(places < 0 ? new PointCoders.Xors() : new PointCoders.Decimals(places));
        }

        /** A first point's time after the start of the block, as the change of its distance from the one before. */
        void firstTime(BitOutput out, long offset) {
            firstTimes.write(out, offset - firstOffset);
            firstOffset = offset;
        }

        long firstTime(BitInput in) {
            firstOffset += firstTimes.read(in);
            return firstOffset;
        }
    }

    /** Values in a coding that writes the first one whole and each next one against the one before. */
    private static final class ValueColumn {
        private final PointCoders.Values coding;
        private boolean started;

        ValueColumn(PointCoders.Values coding) {
            this.coding = coding;
        }

        void write(BitOutput out, double value) {
            if (started) {
                coding.write(out, value);
            } else {
                coding.writeFirst(out, value);
                started = true;
            }
        }

        double read(BitInput in) {
            if (started) {
                return coding.read(in);
            }
            started = true;
            return coding.readFirst(in);
        }
    }
}
