package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackedPointsTest {

    private record Point(long id, long time, double value, long source) {}

    private static PackedPoints of(List<Point> points) {
        var packed = PackedPoints.empty();
        points.forEach(p -> packed.add(p.id(), p.time(), p.value(), p.source()));
        return packed;
    }

    private static List<Point> pointsOf(PackedPoints packed) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < packed.size(); i++) {
            points.add(new Point(packed.id(i), packed.timeMicros(i), packed.value(i), packed.sourceTimeMicros(i)));
        }
        return points;
    }

    @Test
    void unpacksExactlyWhatWasPackedWhateverTheValuesAndTimes() {
        var random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Point> points = new ArrayList<>();
            long time = random.nextLong(-1L << 50, 1L << 50);
            long id = random.nextLong(1L << 40);
            int count = random.nextInt(300);
            for (int i = 0; i < count; i++) {
                // Steady paces, jitter, equal times, huge jumps; values equal, near, anything (NaN, infinities, -0).
                time += switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> 60_000_000L;
                    case 2 -> 60_000_000L + random.nextInt(-20_000, 20_000);
                    default -> random.nextLong(1L << 45);
                };
                id += 1 + (random.nextBoolean() ? 249 : random.nextLong(1L << random.nextInt(1, 50)));
                double value =
                        switch (random.nextInt(6)) {
                            case 0 ->
                                points.isEmpty()
                                        ? 1
                                        : points.get(points.size() - 1).value();
                            case 1 -> random.nextInt(100);
                            case 2 -> Math.round(random.nextDouble() * 400_000) / 1000.0;
                            case 3 -> Double.longBitsToDouble(random.nextLong());
                            case 4 ->
                                new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE}
                                        [random.nextInt(4)];
                            default -> random.nextGaussian() * 1e300;
                        };
                long source =
                        switch (random.nextInt(3)) {
                            case 0 -> PackedPoints.NO_SOURCE_TIME;
                            case 1 -> time - 5_000_000;
                            default -> random.nextLong();
                        };
                points.add(new Point(id, time, value, source));
            }
            var unpacked = PackedPoints.unpack(of(points).pack());
            assertThat(pointsOf(unpacked))
                    .usingElementComparator((a, b) -> a.id() == b.id()
                                    && a.time() == b.time()
                                    && Double.doubleToRawLongBits(a.value()) == Double.doubleToRawLongBits(b.value())
                                    && a.source() == b.source()
                            ? 0
                            : 1)
                    .as("round %d", round)
                    .containsExactlyElementsOf(points);
        }
    }

    /** A DCGM gauge scraped every minute: what a closed hour of one series costs packed. */
    @Test
    void anHourOfASteadyScrapeTakesAFewBytesAPoint() {
        List<Point> steady = new ArrayList<>();
        List<Point> power = new ArrayList<>();
        List<Point> powerOnTime = new ArrayList<>();
        var random = new Random(3);
        long start = 1_767_225_600_000_000L;
        double watts = 180;
        for (int i = 0; i < 60; i++) {
            long time = start + i * 60_000_000L;
            steady.add(new Point(1_000 + i * 2_470L, time, i < 30 ? 34 : 35, PackedPoints.NO_SOURCE_TIME));
            power.add(new Point(
                    1_000 + i * 2_470L,
                    time + random.nextInt(-3_000, 3_000),
                    Math.round((80 + random.nextDouble() * 200) * 1000) / 1000.0,
                    PackedPoints.NO_SOURCE_TIME));
        }
        // About a byte a point: most of it the first point, whole (24 bytes).
        assertThat(of(steady).pack().length).as("a temperature's hour").isLessThanOrEqualTo(70);
        // The value's change costs 17 bits (packed as milliwatts), the time's jitter as much again.
        assertThat(of(powerOnTime).pack().length).as("a power reading's hour").isLessThanOrEqualTo(60 * 3);
        assertThat(of(power).pack().length)
                .as("a power reading's hour, jittered")
                .isLessThanOrEqualTo(60 * 7);
    }

    @Test
    void mergesLatePointsInOrderAndKeepsAPointInBothOnce() {
        var block = of(List.of(
                new Point(10, 100, 1, PackedPoints.NO_SOURCE_TIME),
                new Point(30, 300, 3, PackedPoints.NO_SOURCE_TIME)));
        var late = of(List.of(
                new Point(5, 100, 0.5, 99),
                new Point(40, 200, 2, PackedPoints.NO_SOURCE_TIME),
                new Point(30, 300, 3, PackedPoints.NO_SOURCE_TIME)));

        assertThat(pointsOf(block.merge(late)))
                .containsExactly(
                        new Point(5, 100, 0.5, 99),
                        new Point(10, 100, 1, PackedPoints.NO_SOURCE_TIME),
                        new Point(40, 200, 2, PackedPoints.NO_SOURCE_TIME),
                        new Point(30, 300, 3, PackedPoints.NO_SOURCE_TIME));
    }

    @Test
    void refusesPointsOutOfOrderAndBytesOfAnotherFormat() {
        var points = of(List.of(new Point(2, 100, 1, PackedPoints.NO_SOURCE_TIME)));
        assertThatThrownBy(() -> points.add(1, 100, 1, PackedPoints.NO_SOURCE_TIME))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> points.add(3, 99, 1, PackedPoints.NO_SOURCE_TIME))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PackedPoints.unpack(new byte[] {9, 0, 0, 0, 0}))
                .hasMessageContaining("format 9");
        byte[] cut = points.pack();
        assertThatThrownBy(() -> PackedPoints.unpack(java.util.Arrays.copyOf(cut, cut.length - 10)))
                .hasMessageContaining("ends early");
    }
}
