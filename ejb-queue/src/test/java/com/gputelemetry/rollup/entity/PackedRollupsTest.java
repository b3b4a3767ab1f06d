package com.gputelemetry.rollup.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PackedRollupsTest {

    private static final long SERIES = 42;
    private static final long MINUTE = MinuteRollup.MICROS;
    private static final long HOUR = HourRollup.MICROS;

    /** Each minute's fields, values as their bits: equal only when exactly equal. */
    private static List<String> fields(List<? extends Rollup> minutes) {
        return minutes.stream()
                .map(m -> m.seriesId() + " " + m.bucketMicros() + " " + m.count() + " " + bits(m.sum()) + " "
                        + bits(m.min()) + " " + bits(m.max()) + " " + m.firstMicros() + " " + bits(m.first()) + " "
                        + m.lastMicros() + " " + bits(m.last()))
                .toList();
    }

    private static long bits(double value) {
        return Double.doubleToRawLongBits(value);
    }

    /** The minutes of these points (time, value), each point included in the order given, as the builder does. */
    private static List<MinuteRollup> minutesOf(List<double[]> points) {
        Map<Long, MinuteRollup> minutes = new TreeMap<>();
        for (double[] point : points) {
            long time = (long) point[0];
            MinuteRollup minute = minutes.get(Math.floorDiv(time, MINUTE));
            if (minute == null) {
                minutes.put(Math.floorDiv(time, MINUTE), new MinuteRollup(SERIES, time, point[1]));
            } else {
                minute.include(time, point[1]);
            }
        }
        return new ArrayList<>(minutes.values());
    }

    @Test
    void unpacksExactlyTheMinutesPackedWhateverTheirPointsAndValues() {
        var random = new Random(11);
        for (int round = 0; round < 300; round++) {
            long hour = random.nextLong(-1000, 1000) * HOUR;
            List<double[]> points = new ArrayList<>();
            int count = random.nextInt(1, 400);
            for (int i = 0; i < count; i++) {
                // Minutes of one point, of two, of many; equal times; values whole, decimal, anything finite, -0.
                long time = hour
                        + (random.nextInt(3) == 0
                                ? random.nextLong(HOUR)
                                : random.nextInt(60) * MINUTE + random.nextInt(3) * 1_000_000L);
                double value =
                        switch (random.nextInt(5)) {
                            case 0 -> random.nextInt(100);
                            case 1 -> Math.round(random.nextDouble() * 400_000) / 1000.0;
                            case 2 -> -0.0;
                            case 3 -> random.nextGaussian() * 1e300;
                            default -> {
                                double any = Double.longBitsToDouble(random.nextLong());
                                yield Double.isFinite(any) ? any : 1.5;
                            }
                        };
                points.add(new double[] {time, value});
            }
            Collections.shuffle(points, random);
            List<MinuteRollup> minutes = minutesOf(points);

            byte[] packed = PackedRollups.pack(RollupTier.MINUTE, hour, minutes);

            assertThat(fields(PackedRollups.unpack(RollupTier.MINUTE, SERIES, hour, packed)))
                    .isEqualTo(fields(minutes));
        }
    }

    /** The hours of a day, made of their minutes as the builder makes them, come back exactly too. */
    @Test
    void unpacksExactlyTheHoursOfADayPacked() {
        var random = new Random(13);
        long day = 400 * RollupTier.HOUR.blockMicros();
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            points.add(
                    new double[] {day + random.nextLong(RollupTier.HOUR.blockMicros()), random.nextInt(-50, 400) / 4.0
                    });
        }
        Map<Long, HourRollup> hours = new TreeMap<>();
        for (MinuteRollup minute : minutesOf(points)) {
            HourRollup hour = hours.get(HourRollup.hourOf(minute.bucketMicros()));
            if (hour == null) {
                hours.put(HourRollup.hourOf(minute.bucketMicros()), new HourRollup(minute));
            } else {
                hour.include(minute);
            }
        }
        List<HourRollup> some = new ArrayList<>(hours.values());
        some.remove(5); // an hour without points

        byte[] packed = PackedRollups.pack(RollupTier.HOUR, day, some);

        assertThat(fields(PackedRollups.unpack(RollupTier.HOUR, SERIES, day, packed)))
                .isEqualTo(fields(some));
        assertThat(PackedRollups.unpack(RollupTier.HOUR, SERIES, day, packed)).allMatch(HourRollup.class::isInstance);
    }

    /** A scrape a minute of whole degrees, its times a few milliseconds off the beat: about what its points cost. */
    @Test
    void anHourOfOnePointMinutesCostsAFewBytesAMinute() {
        var random = new Random(3);
        long hour = 20_000 * HOUR;
        List<double[]> points = new ArrayList<>();
        double temperature = 60;
        for (int i = 0; i < 60; i++) {
            temperature += random.nextInt(-2, 3);
            points.add(new double[] {hour + i * MINUTE + 500_000 + random.nextInt(-20_000, 20_000), temperature});
        }

        byte[] packed = PackedRollups.pack(RollupTier.MINUTE, hour, minutesOf(points));

        // A row of the earlier layout: 10 columns, 64 bytes, before the row's header and its key's index entry.
        assertThat(packed.length).as("bytes for 60 minutes").isLessThan(60 * 6);
        assertThat(fields(PackedRollups.unpack(RollupTier.MINUTE, SERIES, hour, packed)))
                .isEqualTo(fields(minutesOf(points)));
    }

    @Test
    void refusesMinutesOutOfOrderOrOfAnotherHourAndBytesOfAnotherFormat() {
        var first = new MinuteRollup(SERIES, 3 * MINUTE, 1);
        var second = new MinuteRollup(SERIES, 5 * MINUTE, 2);

        assertThatThrownBy(() -> PackedRollups.pack(RollupTier.MINUTE, 0, List.of(second, first)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in order");
        assertThatThrownBy(() -> PackedRollups.pack(RollupTier.MINUTE, HOUR, List.of(first)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one of the block");
        byte[] packed = PackedRollups.pack(RollupTier.MINUTE, 0, List.of(first, second));
        packed[0] = 9;
        assertThatThrownBy(() -> PackedRollups.unpack(RollupTier.MINUTE, SERIES, 0, packed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 9");
    }

    @Test
    void aBlockTakesMinutesInPlaceOfThoseItHoldsOfTheSameMinute() {
        var block = new MinuteRollupBlock(
                SERIES,
                HOUR,
                List.of(new MinuteRollup(SERIES, HOUR + 7 * MINUTE, 1), new MinuteRollup(SERIES, HOUR, 2)));

        block.put(List.of(
                new MinuteRollup(SERIES, HOUR + 7 * MINUTE + 5, 9), new MinuteRollup(SERIES, HOUR + MINUTE, 4)));

        assertThat(block.rollups())
                .extracting(Rollup::bucketMicros, Rollup::first)
                .containsExactly(tuple(HOUR, 2.0), tuple(HOUR + MINUTE, 4.0), tuple(HOUR + 7 * MINUTE, 9.0));
    }
}
