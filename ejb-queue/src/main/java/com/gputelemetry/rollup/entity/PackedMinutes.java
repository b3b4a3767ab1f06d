package com.gputelemetry.rollup.entity;

import com.gputelemetry.telemetry.entity.BitInput;
import com.gputelemetry.telemetry.entity.BitOutput;
import com.gputelemetry.telemetry.entity.PointCoders;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The minute rollups of one series in one hour, packed as its points are: which minutes there are (a bit each), and
 * for each its count, its first point's time (deltas of deltas: a steady scrape costs a bit) and value. What a minute
 * of one point has besides is its first point again, so it is not written; a minute of two points adds its last
 * point (its time as the change of the minute's span; its sum, min and max follow from the two), a minute of more
 * adds its min, max and sum. Values are XOR'd with
 * the one before, or, when all are decimals of at most six places, scaled and packed as deltas, whichever is shorter.
 * Everything comes back bit for bit: a summary from them is the points' summary.
 */
public final class PackedMinutes {

    private static final int FORMAT = 1;
    private static final int MAX_PLACES = 6;
    private static final int MINUTES = (int) (HourRollup.MICROS / MinuteRollup.MICROS);

    private PackedMinutes() {}

    /**
     * @param minutes minutes of one hour, in order
     * @throws IllegalArgumentException when they are not in order, or not all of that hour
     */
    public static byte[] pack(long hourMicros, Collection<MinuteRollup> minutes) {
        List<MinuteRollup> ordered = List.copyOf(minutes);
        long present = 0;
        int last = -1;
        for (MinuteRollup minute : ordered) {
            int index = indexOf(hourMicros, minute.bucketMicros());
            if (index <= last) {
                throw new IllegalArgumentException(
                        "minute " + minute.bucketMicros() + " is not in order or not in hour " + hourMicros);
            }
            present |= 1L << index;
            last = index;
        }
        byte[] xored = pack(hourMicros, present, ordered, -1);
        int places = decimalPlaces(ordered);
        if (places < 0) {
            return xored;
        }
        byte[] scaled = pack(hourMicros, present, ordered, places);
        return scaled.length < xored.length ? scaled : xored;
    }

    private static byte[] pack(long hourMicros, long present, List<MinuteRollup> minutes, int places) {
        var out = new BitOutput(minutes.size() * 6 + 16);
        out.bits(FORMAT, 8);
        out.bits(places + 1, 3);
        out.bits(present, MINUTES);
        Columns columns = new Columns(places);
        for (MinuteRollup minute : minutes) {
            PointCoders.writeVariable(out, minute.count() - 1);
            columns.firstTime(out, minute.firstMicros() - hourMicros);
            columns.value(out, minute.first());
            if (minute.count() > 1) {
                columns.spans.write(out, minute.lastMicros() - minute.firstMicros());
                columns.value(out, minute.last());
            }
            if (minute.count() > 2) {
                columns.value(out, minute.min());
                columns.value(out, minute.max());
                columns.sum(out, minute.sum());
            }
        }
        return out.toBytes();
    }

    /**
     * The minutes a {@link #pack} packed.
     *
     * @throws IllegalArgumentException when the bytes are not packed minutes of a format this version reads
     */
    public static List<MinuteRollup> unpack(long seriesId, long hourMicros, byte[] packed) {
        var in = new BitInput(packed);
        int format = (int) in.bits(8);
        if (format != FORMAT) {
            throw new IllegalArgumentException("packed minutes of format " + format + ", not " + FORMAT);
        }
        Columns columns = new Columns((int) in.bits(3) - 1);
        long present = in.bits(MINUTES);
        List<MinuteRollup> minutes = new ArrayList<>(Long.bitCount(present));
        for (int index = 0; index < MINUTES; index++) {
            if ((present & (1L << index)) == 0) {
                continue;
            }
            int count = (int) PointCoders.readVariable(in) + 1;
            long firstMicros = hourMicros + columns.firstTime(in);
            double first = columns.value(in);
            long lastMicros = firstMicros;
            double last = first;
            if (count > 1) {
                lastMicros = firstMicros + columns.spans.read(in);
                last = columns.value(in);
            }
            double min = Math.min(first, last);
            double max = Math.max(first, last);
            double sum = count == 1 ? first : first + last;
            if (count > 2) {
                min = columns.value(in);
                max = columns.value(in);
                sum = columns.sum(in);
            }
            minutes.add(new MinuteRollup(
                    seriesId,
                    hourMicros + index * MinuteRollup.MICROS,
                    new Rollup.Aggregate(count, sum, min, max, firstMicros, first, lastMicros, last)));
        }
        return minutes;
    }

    private static int indexOf(long hourMicros, long minuteMicros) {
        long index = (minuteMicros - hourMicros) / MinuteRollup.MICROS;
        if (minuteMicros < hourMicros || index >= MINUTES || minuteMicros % MinuteRollup.MICROS != 0) {
            throw new IllegalArgumentException("minute " + minuteMicros + " is not a minute of hour " + hourMicros);
        }
        return (int) index;
    }

    /** The fewest decimal places (0 to 6) that give every value written back exactly, or -1. */
    private static int decimalPlaces(List<MinuteRollup> minutes) {
        int places = 0;
        for (MinuteRollup minute : minutes) {
            for (double value : new double[] {minute.first(), minute.last(), minute.min(), minute.max()}) {
                while (places <= MAX_PLACES && !PointCoders.Decimals.exact(value, places)) {
                    places++;
                }
                if (places > MAX_PLACES) {
                    return -1;
                }
            }
        }
        return places;
    }

    /** The state of the columns, each value against the one before it. */
    private static final class Columns {
        final PointCoders.Deltas firstTimes = new PointCoders.Deltas();
        long firstOffset;
        /** From a minute's first point to its last, as the change from the minute before that had two or more. */
        final PointCoders.Deltas spans = new PointCoders.Deltas();

        final PointCoders.Values values;
        final PointCoders.Values sums = new PointCoders.Xors();
        boolean anyValue;
        boolean anySum;

        Columns(int places) {
            values = places < 0 ? new PointCoders.Xors() : new PointCoders.Decimals(places);
        }

        /** A first point's time after the start of the hour, as the change of its distance from the one before. */
        void firstTime(BitOutput out, long offset) {
            firstTimes.write(out, offset - firstOffset);
            firstOffset = offset;
        }

        long firstTime(BitInput in) {
            firstOffset += firstTimes.read(in);
            return firstOffset;
        }

        void value(BitOutput out, double value) {
            if (anyValue) {
                values.write(out, value);
            } else {
                values.writeFirst(out, value);
                anyValue = true;
            }
        }

        double value(BitInput in) {
            if (anyValue) {
                return values.read(in);
            }
            anyValue = true;
            return values.readFirst(in);
        }

        void sum(BitOutput out, double sum) {
            if (anySum) {
                sums.write(out, sum);
            } else {
                sums.writeFirst(out, sum);
                anySum = true;
            }
        }

        double sum(BitInput in) {
            if (anySum) {
                return sums.read(in);
            }
            anySum = true;
            return sums.readFirst(in);
        }
    }
}
