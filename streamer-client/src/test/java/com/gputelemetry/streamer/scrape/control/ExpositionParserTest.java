package com.gputelemetry.streamer.scrape.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.gputelemetry.streamer.scrape.entity.Sample;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpositionParserTest {

    @Test
    void readsTheTextFormatWithCommentsLabelsBlankLinesAndMillisecondTimestamps() throws Exception {
        List<Sample> samples = parse(
                false,
                "# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).\n"
                        + "# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n"
                        + "# any other comment is ignored\n"
                        + "\n"
                        + "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\", UUID=\"GPU-1\",} 41\r\n"
                        + "DCGM_FI_DEV_GPU_TEMP{gpu=\"1\",UUID=\"GPU-2\"}\t42.5 1752871354000\n"
                        + "up 1\n");

        assertThat(samples).hasSize(3);
        assertThat(samples.get(0).labels()).isEqualTo(Map.of("gpu", "0", "UUID", "GPU-1"));
        assertThat(samples.get(0).value()).isEqualTo("41");
        assertThat(samples.get(0).line()).isEqualTo(5);
        assertThat(samples.get(0).timestamp()).isEmpty();
        assertThat(samples.get(1).value()).isEqualTo("42.5");
        assertThat(samples.get(1).timestamp()).contains(Instant.parse("2025-07-18T20:42:34Z"));
        assertThat(samples.get(2).name()).isEqualTo("up");
        assertThat(samples.get(2).labels()).isEmpty();
    }

    @Test
    void readsOpenMetricsWithSecondTimestampsExemplarsAndTheFinalEof() throws Exception {
        List<Sample> samples = parse(
                true,
                "# TYPE DCGM_FI_PROF_SM_ACTIVE gauge\n"
                        + "# UNIT DCGM_FI_PROF_SM_ACTIVE ratio\n"
                        + "DCGM_FI_PROF_SM_ACTIVE{UUID=\"GPU-1\"} 0.5 1752871354.25\n"
                        + "requests_total{UUID=\"GPU-1\"} 3 # {trace_id=\"abc\"} 1 1752871354\n"
                        + "# EOF\n");

        assertThat(samples)
                .extracting(Sample::timestamp)
                .containsExactly(Optional.of(Instant.parse("2025-07-18T20:42:34.250Z")), Optional.empty());
    }

    @Test
    void resolvesTheThreeEscapesOfLabelValues() throws Exception {
        Sample sample = parse(false, "m{a=\"back\\\\slash\",b=\"a \\\"quote\\\"\",c=\"two\\nlines\",d=\"{,}=\"} 1\n")
                .get(0);

        assertThat(sample.labels())
                .containsEntry("a", "back\\slash")
                .containsEntry("b", "a \"quote\"")
                .containsEntry("c", "two\nlines")
                .containsEntry("d", "{,}=");
    }

    @Test
    void readsNanAndInfinitiesWhichAreNotFinite() throws Exception {
        List<Sample> samples = parse(false, "a NaN\nb +Inf\nc -Inf\nd 1.5e+06\ne -0\n");

        assertThat(samples).extracting(Sample::value).containsExactly("NaN", "+Inf", "-Inf", "1.5e+06", "-0");
        assertThat(samples).extracting(Sample::hasFiniteValue).containsExactly(false, false, false, true, true);
    }

    @Test
    void anOpenMetricsBodyWithoutItsEofOrWithContentAfterItIsRefused() {
        assertThatThrownBy(() -> parse(true, "a 1\nb 2\n"))
                .isInstanceOf(ScrapeFailedException.class)
                .hasMessageContaining("without its final # EOF");
        assertThatThrownBy(() -> parse(true, "a 1\n# EOF\nb 2\n"))
                .isInstanceOf(ScrapeFailedException.class)
                .hasMessage("line 3: content after # EOF");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<html><body>Sign in</body></html>",
                "{\"status\":\"ok\"}",
                "metric",
                "metric{",
                "metric{a=\"1\"",
                "metric{a=\"1} 2",
                "metric{a=1} 2",
                "metric{a=\"1\"b=\"2\"} 3",
                "metric{a=\"1\",a=\"2\"} 3",
                "metric{9a=\"1\"} 2",
                "metric 1 2 3",
                "metric one",
                "metric 0x10",
                "metric 1 12.5",
                "metric 1 99999999999999999999",
                "9metric 1",
                "# TYPE metric colour",
                "# TYPE",
                "metric{a=\"x\\",
                "metric 1d",
            })
    void aLineThatIsNotValidFailsTheBodyWithItsLineNumber(String line) {
        assertThatThrownBy(() -> parse(false, "ok_metric 1\n" + line + "\n"))
                .isInstanceOf(ScrapeFailedException.class)
                .hasMessageStartingWith("line 2: ");
    }

    @Test
    void anOverlongLineIsRefusedWithoutBeingBuilt() {
        String line = "m{a=\"" + "x".repeat(ExpositionParser.MAX_LINE_CHARS) + "\"} 1\n";

        assertThatThrownBy(() -> parse(false, line))
                .isInstanceOf(ScrapeFailedException.class)
                .hasMessageContaining("a line longer than");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButAScrapeFailure() {
        var random = new Random(20251206);
        String alphabet = "abcXYZ_:09 {}=\",\\\n#\t.+-eEInfNa\r\u00e9";
        int failures = 0;
        for (int round = 0; round < 5_000; round++) {
            var text = new StringBuilder();
            int length = random.nextInt(80);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            for (boolean openMetrics : new boolean[] {false, true}) {
                try {
                    parse(openMetrics, text.toString());
                } catch (ScrapeFailedException expected) {
                    failures++;
                } catch (Exception | Error e) {
                    throw new AssertionError("input " + text.toString().replace("\n", "\\n") + ": " + e, e);
                }
            }
        }
        assertThat(failures).as("most random input is refused").isGreaterThan(5_000);
    }

    private static List<Sample> parse(boolean openMetrics, String body) throws ScrapeFailedException, IOException {
        List<Sample> samples = new ArrayList<>();
        ExpositionParser.parse(new StringReader(body), openMetrics, samples::add);
        return samples;
    }
}
