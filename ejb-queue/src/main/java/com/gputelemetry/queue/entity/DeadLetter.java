package com.gputelemetry.queue.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbTransient;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A record one consumer group could not process within its attempts; kept for inspection and replay. */
@Entity
@Table(name = "queue_dead_letter")
@JsonbPropertyOrder({"id", "group", "topic", "partition", "offset", "attempts", "lastError", "failedAtMillis"})
public class DeadLetter {

    private static final int MAX_ERROR_LENGTH = 2000;

    @Id
    @SequenceGenerator(name = "queue_dead_letter_seq", sequenceName = "queue_dead_letter_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "queue_dead_letter_seq")
    private long id;

    @Column(name = "group_name", nullable = false)
    private String group;

    @Column(nullable = false)
    private String topic;

    @Column(name = "partition_no", nullable = false)
    private int partition;

    @Column(name = "record_offset", nullable = false)
    private long offset;

    @Column(nullable = false)
    private String payload;

    @Column(nullable = false)
    private int attempts;

    @Column(name = "last_error", nullable = false)
    private String lastError;

    @Column(name = "failed_at_ms", nullable = false)
    private long failedAtMillis;

    protected DeadLetter() {}

    public DeadLetter(String group, LogRecord record, int attempts, String lastError, long failedAtMillis) {
        this.group = group;
        this.topic = record.topic();
        this.partition = record.partition();
        this.offset = record.offset();
        this.payload = record.payload();
        this.attempts = attempts;
        this.lastError = lastError.length() > MAX_ERROR_LENGTH ? lastError.substring(0, MAX_ERROR_LENGTH) : lastError;
        this.failedAtMillis = failedAtMillis;
    }

    /** The record as it was in the log, to hand to the group's listener again. */
    public LogRecord toRecord() {
        return new LogRecord(topic, partition, offset, payload, failedAtMillis);
    }

    public long getId() {
        return id;
    }

    public String getGroup() {
        return group;
    }

    public String getTopic() {
        return topic;
    }

    public int getPartition() {
        return partition;
    }

    public long getOffset() {
        return offset;
    }

    public int getAttempts() {
        return attempts;
    }

    public String getLastError() {
        return lastError;
    }

    public long getFailedAtMillis() {
        return failedAtMillis;
    }

    @JsonbTransient
    public String payload() {
        return payload;
    }
}
