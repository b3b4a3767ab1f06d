-- Partition ownership between server instances on one database: per group and partition, the instance that
-- delivers it and until when. An instance renews its leases on every tick; a dead instance's leases expire and
-- the live ones take them over.
CREATE TABLE queue_lease (
    group_name     VARCHAR(100) NOT NULL,
    topic          VARCHAR(100) NOT NULL,
    partition_no   INTEGER      NOT NULL,
    owner          VARCHAR(100),
    expires_at_ms  BIGINT       NOT NULL,
    PRIMARY KEY (group_name, topic, partition_no)
);

-- The instances alive per group, by heartbeat: they decide each instance's fair share of the partitions.
CREATE TABLE queue_member (
    group_name       VARCHAR(100) NOT NULL,
    topic            VARCHAR(100) NOT NULL,
    instance_id      VARCHAR(100) NOT NULL,
    heartbeat_at_ms  BIGINT       NOT NULL,
    PRIMARY KEY (group_name, topic, instance_id)
);
