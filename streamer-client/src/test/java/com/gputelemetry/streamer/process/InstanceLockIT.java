package com.gputelemetry.streamer.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two streamer processes under one instance id and one state directory: the lock file lets only one of them run, so
 * that two producers never send under one producer id and sequence.
 */
class InstanceLockIT {

    @Test
    void aSecondStreamerUnderTheSameInstanceIdRefusesToStartWhileTheFirstGoesOn() throws Exception {
        Path work = StreamerJar.workDirectory("instance-lock");
        Path state = work.resolve("shared-state");
        try (var stub = StubIngest.start()) {
            String[] arguments = {
                "--url",
                stub.url(),
                "--instance-id",
                "rack-7",
                "--state-dir",
                state.toString(),
                "--loop",
                "--interval",
                "50ms",
                "--batch-size",
                "100"
            };
            var first = StreamerJar.start(work, "first", List.of(), arguments);
            try {
                await("the first streamer's first batch", () -> stub.batches() > 0);

                // The same command again, as an operator might by mistake; were it let in, it would end after 5 s.
                String[] again = Arrays.copyOf(arguments, arguments.length + 2);
                again[arguments.length] = "--duration";
                again[arguments.length + 1] = "5s";
                var second = StreamerJar.start(work, "second", List.of(), again).awaitExit(Duration.ofSeconds(30));

                assertThat(second.exitCode())
                        .as("the second streamer's exit code; stderr:%n%s", second.stderr())
                        .isEqualTo(2);
                assertThat(second.stderr())
                        .contains("another streamer is running with instance id 'rack-7'")
                        .contains("its state in " + state + " is locked");
                assertThat(stub.producers())
                        .as("producers that sent batches: the first only")
                        .hasSize(1);
                long batchesWhenRefused = stub.batches();
                await("more batches of the first streamer", () -> stub.batches() > batchesWhenRefused + 2);

                var stopped = first.stop(Duration.ofSeconds(30));
                assertThat(stopped.exitCode())
                        .as("the first streamer's exit code; stderr:%n%s", stopped.stderr())
                        .isZero();
                assertThat(stopped.rowsAcked()).isEqualTo(stopped.rowsRead()).isEqualTo(stub.rows());
            } finally {
                first.process().destroyForcibly();
            }
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
