package com.gputelemetry.streamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.gputelemetry.streamer.entity.Batch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerCheckpointTest {

    @TempDir
    Path state;

    @Test
    void aRestartedInstanceGoesOnUnderTheSameProducerIdWithTheNextSequence() throws Exception {
        String producerId;
        try (var first = ProducerCheckpoint.open(state, "rack-7")) {
            producerId = first.producerId();
            assertThat(producerId).startsWith("rack-7-");
            assertThat(first.nextSequence()).isZero();
            first.acknowledged(0);
            first.acknowledged(1);
        }
        try (var restarted = ProducerCheckpoint.open(state, "rack-7")) {
            assertThat(restarted.producerId()).isEqualTo(producerId);
            assertThat(restarted.nextSequence()).isEqualTo(2);
        }
        try (var other = ProducerCheckpoint.open(state, "rack-8")) {
            assertThat(other.producerId()).isNotEqualTo(producerId).startsWith("rack-8-");
            assertThat(other.nextSequence()).isZero();
        }
    }

    @Test
    void theBatchInFlightWhenARunStoppedIsKeptForTheNextRunUntilAcknowledged() throws Exception {
        var batch = Batch.restored(3, 2, "timestamp,uuid\n2026-01-01T00:00:00Z,GPU-1\n2026-01-01T00:00:00Z,GPU-2\n");
        try (var first = ProducerCheckpoint.open(state, "rack-7")) {
            assertThat(first.pending()).isEmpty();
            first.sending(batch);
        }
        try (var restarted = ProducerCheckpoint.open(state, "rack-7")) {
            Batch pending = restarted.pending().orElseThrow();
            assertThat(pending.sequence()).isEqualTo(3);
            assertThat(pending.size()).isEqualTo(2);
            assertThat(pending.toCsv()).isEqualTo(batch.toCsv());
            restarted.acknowledged(3);
            assertThat(restarted.pending()).isEmpty();
            assertThat(restarted.nextSequence()).isEqualTo(4);
        }
    }

    @Test
    void twoStreamersCannotRunUnderOneInstanceId() throws Exception {
        try (var running = ProducerCheckpoint.open(state, "rack-7")) {
            assertThatThrownBy(() -> ProducerCheckpoint.open(state, "rack-7"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another streamer is running with instance id 'rack-7'");
        }
    }

    @Test
    void anInstanceIdMustBeASafeFileName() {
        assertThatThrownBy(() -> ProducerCheckpoint.open(state, "../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("letters, digits");
    }

    @Test
    void withoutAnInstanceIdEveryRunIsANewProducer() {
        var first = ProducerCheckpoint.transientFor("streamer-1");
        var second = ProducerCheckpoint.transientFor("streamer-1");
        assertThat(first.producerId()).isNotEqualTo(second.producerId());
        first.acknowledged(5);
        assertThat(first.nextSequence()).isEqualTo(6);
    }
}
