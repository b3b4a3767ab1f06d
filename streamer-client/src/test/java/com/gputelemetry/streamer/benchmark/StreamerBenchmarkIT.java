package com.gputelemetry.streamer.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.streamer.process.RepeatedSample;
import com.gputelemetry.streamer.process.StreamerJar;
import com.gputelemetry.streamer.process.StubIngest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: how fast the streamer jar reads, validates and sends on its own, and how little memory it needs on a
 * large file. The server is a stub on loopback that counts the rows of each batch and acknowledges them at once, so
 * the streamer is all that is measured. Run with {@code ./mvnw -B verify -pl streamer-client -Pstreamer-benchmark};
 * writes {@code streamer-client/target/streamer-benchmark.md}.
 */
@EnabledIfSystemProperty(named = "streamer.benchmark", matches = "true", disabledReason = "a benchmark, run on demand")
class StreamerBenchmarkIT {

    @Test
    void measure() throws Exception {
        try (var stub = StubIngest.start()) {
            Path work = StreamerJar.workDirectory("streamer-benchmark");

            StreamerJar.Finished looping = run(
                    work,
                    List.of("-Xmx256m"),
                    "--url",
                    stub.url(),
                    "--loop",
                    "--interval",
                    "0ms",
                    "--batch-size",
                    "1000",
                    "--duration",
                    "15s");

            int copies = Integer.getInteger("streamer.benchmark.copies", 2_000);
            Path big = work.resolve("big.csv");
            long bigRows = RepeatedSample.write(big, copies);
            long rowsBefore = stub.rows();
            StreamerJar.Finished bigFile = run(
                    work,
                    List.of("-Xmx32m"),
                    "--url",
                    stub.url(),
                    "--csv-path",
                    big.toString(),
                    "--interval",
                    "0ms",
                    "--batch-size",
                    "1000");
            assertThat(bigFile.rowsAcked())
                    .as("every row of the big file acknowledged")
                    .isEqualTo(bigRows);
            assertThat(stub.rows() - rowsBefore).as("and received by the stub").isEqualTo(bigRows);

            String report = String.format(
                    "Streamer alone, against a loopback stub that acknowledges at once:%n%n"
                            + "| run | rows | seconds | rows/s | peak resident MB |%n|---|---|---|---|---|%n"
                            + "| the sample in a loop, 1,000-row batches, 15 s, -Xmx256m | %,d | %.1f | %,.0f | %d |%n"
                            + "| a %,d MB file (the sample %,d times), -Xmx32m | %,d | %.1f | %,.0f | %d |%n",
                    looping.rowsAcked(),
                    looping.seconds(),
                    looping.rowsAcked() / looping.seconds(),
                    looping.peakResidentMb(),
                    Files.size(big) / 1_000_000,
                    copies,
                    bigFile.rowsAcked(),
                    bigFile.seconds(),
                    bigFile.rowsAcked() / bigFile.seconds(),
                    bigFile.peakResidentMb());
            Files.writeString(Path.of("target", "streamer-benchmark.md"), report);
            System.out.println(report);
            Files.delete(big);
        }
    }

    /** Runs the streamer jar to its end, which must be exit code 0 with every row it read acknowledged. */
    private static StreamerJar.Finished run(Path work, List<String> jvm, String... arguments) throws Exception {
        StreamerJar.Finished run =
                StreamerJar.start(work, "streamer", jvm, arguments).awaitExit(Duration.ofMinutes(30));
        assertThat(run.exitCode()).as("streamer exit; %s", run.stderr()).isZero();
        assertThat(run.rowsAcked()).as("every row read was acknowledged").isEqualTo(run.rowsRead());
        return run;
    }
}
