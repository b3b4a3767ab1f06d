package com.gputelemetry.queue.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommittedOffsetTest {

    @Test
    void committingTheNextRecordMovesPastIt() {
        var committed = new CommittedOffset("collectors", "telemetry", 0);

        committed.commit(0);
        committed.commit(1);

        assertThat(committed.nextOffset()).isEqualTo(2);
    }

    @Test
    void aStaleOrSkippingCommitIsRefusedAndChangesNothing() {
        var committed = new CommittedOffset("collectors", "telemetry", 0);
        committed.commit(0);

        assertThatThrownBy(() -> committed.commit(0))
                .isInstanceOf(OutOfOrderCommitException.class)
                .hasMessageContaining("expects offset 1, not 0");
        assertThatThrownBy(() -> committed.commit(5)).isInstanceOf(OutOfOrderCommitException.class);
        assertThat(committed.nextOffset()).isEqualTo(1);
    }
}
