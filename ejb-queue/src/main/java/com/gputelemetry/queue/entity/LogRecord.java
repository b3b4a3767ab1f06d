package com.gputelemetry.queue.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One immutable entry of the append-only log: a payload at a dense offset of one partition. */
@Entity
@Table(name = "queue_record")
@IdClass(RecordPosition.class)
public class LogRecord {

    @Id
    private String topic;

    @Id
    @Column(name = "partition_no")
    private int partition;

    @Id
    @Column(name = "record_offset")
    private long offset;

    @Column(nullable = false)
    private String payload;

    @Column(name = "appended_at_ms", nullable = false)
    private long appendedAtMillis;

    protected LogRecord() {}

    LogRecord(String topic, int partition, long offset, String payload, long appendedAtMillis) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.payload = payload;
        this.appendedAtMillis = appendedAtMillis;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public String payload() {
        return payload;
    }

    public long appendedAtMillis() {
        return appendedAtMillis;
    }
}
