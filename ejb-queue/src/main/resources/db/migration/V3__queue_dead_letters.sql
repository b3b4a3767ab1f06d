-- Records a consumer group gave up on after its attempts ran out: kept with the last error until replayed.
-- The group's offset moves past them, so the partition keeps flowing.
CREATE SEQUENCE queue_dead_letter_seq START WITH 50 INCREMENT BY 50;

CREATE TABLE queue_dead_letter (
    id             BIGINT           NOT NULL PRIMARY KEY,
    group_name     VARCHAR(100)     NOT NULL,
    topic          VARCHAR(100)     NOT NULL,
    partition_no   INTEGER          NOT NULL,
    record_offset  BIGINT           NOT NULL,
    payload        VARCHAR(1000000) NOT NULL,
    attempts       INTEGER          NOT NULL,
    last_error     VARCHAR(2000)    NOT NULL,
    failed_at_ms   BIGINT           NOT NULL
);

CREATE INDEX queue_dead_letter_group ON queue_dead_letter (group_name, topic, id);
