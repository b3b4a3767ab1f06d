-- The queue's append-only log. A record is a batch of messages for one partition (the producer groups by key).
-- One row per partition holds the next offset to hand out; appenders lock that row,
-- so offsets are dense per partition and assigned in commit order (a reader never skips a late commit).
CREATE TABLE queue_partition (
    topic         VARCHAR(100) NOT NULL,
    partition_no  INTEGER      NOT NULL,
    next_offset   BIGINT       NOT NULL,
    PRIMARY KEY (topic, partition_no)
);

CREATE TABLE queue_record (
    topic          VARCHAR(100)     NOT NULL,
    partition_no   INTEGER          NOT NULL,
    record_offset  BIGINT           NOT NULL,
    payload        VARCHAR(1000000) NOT NULL,
    appended_at_ms BIGINT           NOT NULL,
    PRIMARY KEY (topic, partition_no, record_offset)
);

-- Per consumer group and partition: the offset of the next record the group has not yet processed.
CREATE TABLE queue_committed_offset (
    group_name    VARCHAR(100) NOT NULL,
    topic         VARCHAR(100) NOT NULL,
    partition_no  INTEGER      NOT NULL,
    next_offset   BIGINT       NOT NULL,
    PRIMARY KEY (group_name, topic, partition_no)
);

-- Idempotent producers: the highest batch sequence stored per producer id.
CREATE TABLE queue_producer (
    producer_id    VARCHAR(200) NOT NULL PRIMARY KEY,
    last_sequence  BIGINT       NOT NULL,
    updated_at_ms  BIGINT       NOT NULL
);
