package com.gputelemetry.rollup.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the rollups may be built up to a new closing: once no collector transaction that missed it can be open. */
class CollectorProgressTest {

    private static RollupBuilder.CollectorProgress at(long[] committed, long[] ends) {
        return new RollupBuilder.CollectorProgress(committed, ends);
    }

    @Test
    void idlePartitionsHadNoTransactionOpen() {
        var then = at(new long[] {5, 9}, new long[] {5, 9});
        assertThat(at(new long[] {5, 9}, new long[] {7, 9}).havePassed(then)).isTrue();
    }

    @Test
    void aBusyPartitionMustCommitPastWhereItStood() {
        var then = at(new long[] {5, 9}, new long[] {8, 9});
        assertThat(at(new long[] {5, 9}, new long[] {8, 9}).havePassed(then))
                .as("its transaction from offset 5 may still be open")
                .isFalse();
        assertThat(at(new long[] {6, 9}, new long[] {8, 9}).havePassed(then)).isTrue();
    }
}
