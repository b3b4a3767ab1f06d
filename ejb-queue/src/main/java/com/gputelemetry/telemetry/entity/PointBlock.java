package com.gputelemetry.telemetry.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** The points of one series in one closed hour, packed ({@link PackedPoints}). */
@Entity
@Table(name = "telemetry_block")
@IdClass(PointBlock.Key.class)
public class PointBlock {

    /** The time a block spans: an hour, from the start of the hour. */
    public static final long MICROS = 3_600_000_000L;

    @Id
    @Column(name = "series_id")
    private long seriesId;

    @Id
    @Column(name = "hour_us")
    private long hourMicros;

    @Column(name = "point_count")
    private int count;

    @Column(name = "first_time_us")
    private long firstMicros;

    @Column(name = "last_time_us")
    private long lastMicros;

    @Column(name = "points")
    private byte[] packed;

    protected PointBlock() {}

    public PointBlock(long seriesId, long hourMicros, PackedPoints points) {
        this.seriesId = seriesId;
        this.hourMicros = hourMicros;
        store(points);
    }

    /** The start of the hour of that time. */
    public static long hourOf(long timeMicros) {
        return Math.floorDiv(timeMicros, MICROS) * MICROS;
    }

    /** Replaces the points (with themselves and late ones merged, say). */
    public void store(PackedPoints points) {
        if (points.size() == 0) {
            throw new IllegalArgumentException("a block holds at least one point");
        }
        count = points.size();
        firstMicros = points.timeMicros(0);
        lastMicros = points.timeMicros(points.size() - 1);
        packed = points.pack();
    }

    public PackedPoints points() {
        return PackedPoints.unpack(packed);
    }

    public long seriesId() {
        return seriesId;
    }

    public long hourMicros() {
        return hourMicros;
    }

    public long lastMicros() {
        return lastMicros;
    }

    /** Primary key: the series and the hour. */
    public static class Key implements Serializable {

        private long seriesId;
        private long hourMicros;

        protected Key() {}

        public Key(long seriesId, long hourMicros) {
            this.seriesId = seriesId;
            this.hourMicros = hourMicros;
        }

        public long seriesId() {
            return seriesId;
        }

        public long hourMicros() {
            return hourMicros;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && seriesId == other.seriesId && hourMicros == other.hourMicros;
        }

        @Override
        public int hashCode() {
            return Objects.hash(seriesId, hourMicros);
        }
    }
}
