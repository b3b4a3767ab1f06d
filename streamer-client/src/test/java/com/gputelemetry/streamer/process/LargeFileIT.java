package com.gputelemetry.streamer.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streamer reads its input as a stream and holds one batch at a time: a file many times the size of its heap goes
 * through whole, against an endpoint that acknowledges at once. The file is made of the sample over and over, in {@code target}, and deleted afterwards.
 */
class LargeFileIT {

    /** About 300 MB: nine times the heap the streamer gets. */
    private static final int COPIES = 270;

    @Test
    void aFileOfHundredsOfMegabytesIsStreamedWholeWithinA32MegabyteHeap() throws Exception {
        Path work = StreamerJar.workDirectory("large-file");
        Path big = work.resolve("big.csv");
        try (var stub = StubIngest.start()) {
            long rows = RepeatedSample.write(big, COPIES);
            long megabytes = Files.size(big) / 1_000_000;
            assertThat(megabytes).isGreaterThan(250);

            var run = StreamerJar.start(
                            work,
                            "streamer",
                            List.of("-Xmx32m"),
                            "--url",
                            stub.url(),
                            "--csv-path",
                            big.toString(),
                            "--interval",
                            "0ms",
                            "--batch-size",
                            "5000")
                    .awaitExit(Duration.ofMinutes(3));

            System.out.printf(
                    "A %,d MB file of %,d rows streamed with -Xmx32m in %.1f s (%,.0f rows/s), peak resident %d MB%n",
                    megabytes, rows, run.seconds(), rows / run.seconds(), run.peakResidentMb());
            assertThat(run.stderr()).doesNotContain("OutOfMemoryError");
            assertThat(run.exitCode())
                    .as("exit code; stderr:%n%s", run.stderr())
                    .isZero();
            assertThat(run.rowsRead()).isEqualTo(rows);
            assertThat(run.rowsAcked()).as("rows acknowledged").isEqualTo(rows);
            assertThat(stub.rows()).as("rows the endpoint received").isEqualTo(rows);
        } finally {
            Files.deleteIfExists(big);
        }
    }
}
