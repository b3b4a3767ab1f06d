package com.gputelemetry.rollup.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.gputelemetry.telemetry.entity.TelemetrySeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollupTest {

    private static final long SERIES = 42;
    private static final long MINUTE = MinuteRollup.MICROS;

    @Test
    void aMinuteHoldsCountSumMinMaxAndTheFirstAndLastPointByTime() {
        var minute = new MinuteRollup(SERIES, 5 * MINUTE + 30_000_000, 7);
        minute.include(5 * MINUTE + 10_000_000, 3); // earlier: the new first
        minute.include(5 * MINUTE + 50_000_000, 11); // later: the new last
        minute.include(5 * MINUTE + 20_000_000, -2);

        assertThat(minute.bucketMicros()).isEqualTo(5 * MINUTE);
        assertThat(minute.count()).isEqualTo(4);
        assertThat(minute.sum()).isEqualTo(19);
        assertThat(minute.min()).isEqualTo(-2);
        assertThat(minute.max()).isEqualTo(11);
        assertThat(minute.firstMicros()).isEqualTo(5 * MINUTE + 10_000_000);
        assertThat(minute.first()).isEqualTo(3);
        assertThat(minute.lastMicros()).isEqualTo(5 * MINUTE + 50_000_000);
        assertThat(minute.last()).isEqualTo(11);
    }

    /** An hour made of its minutes equals the hour made of all its points, in whatever order they came. */
    @Test
    void anHourCombinedFromItsMinutesEqualsTheHourOfItsPoints() {
        Random random = new Random(7);
        List<long[]> points = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            points.add(new long[] {3 * HourRollup.MICROS + random.nextLong(HourRollup.MICROS), random.nextInt(1000)});
        }
        var direct = new MinuteRollup(SERIES, points.get(0)[0], points.get(0)[1]);
        points.subList(1, points.size()).forEach(p -> direct.include(p[0], p[1]));
        var minutes = new java.util.TreeMap<Long, MinuteRollup>();
        for (long[] p : points) {
            long bucket = Math.floorDiv(p[0], MINUTE);
            if (minutes.containsKey(bucket)) {
                minutes.get(bucket).include(p[0], p[1]);
            } else {
                minutes.put(bucket, new MinuteRollup(SERIES, p[0], p[1]));
            }
        }
        List<MinuteRollup> shuffled = new ArrayList<>(minutes.values());
        java.util.Collections.shuffle(shuffled, random);
        var hour = new HourRollup(shuffled.get(0));
        shuffled.subList(1, shuffled.size()).forEach(hour::include);

        assertThat(hour.bucketMicros()).isEqualTo(3 * HourRollup.MICROS);
        assertThat(hour.count()).isEqualTo(500);
        assertThat(hour.sum()).isCloseTo(direct.sum(), within(1e-6));
        assertThat(hour.min()).isEqualTo(direct.min());
        assertThat(hour.max()).isEqualTo(direct.max());
        assertThat(hour.firstMicros()).isEqualTo(direct.firstMicros());
        assertThat(hour.first()).isEqualTo(direct.first());
        assertThat(hour.lastMicros()).isEqualTo(direct.lastMicros());
        assertThat(hour.last()).isEqualTo(direct.last());
    }

    @Test
    void aSeriesIdDependsOnGpuMetricAndWorkload() {
        long id = TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 0);
        assertThat(id).isPositive().isEqualTo(TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 0));
        assertThat(List.of(
                        TelemetrySeries.idOf("GPU-2", "DCGM_FI_DEV_GPU_TEMP", 0),
                        TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_POWER_USAGE", 0),
                        TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 17)))
                .doesNotContain(id);
    }
}
