package com.gputelemetry.prometheus.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.google.protobuf.CodedOutputStream;
import com.gputelemetry.prometheus.entity.TimeSeries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteRequestDecoderTest {

    private final WriteRequestDecoder decoder = new WriteRequestDecoder();

    @Test
    void readsEverySeriesWithItsLabelsAndSamplesInOrder() {
        byte[] body = new WriteRequests()
                .series(
                        new String[] {"__name__", "DCGM_FI_DEV_GPU_TEMP", "UUID", "GPU-1", "gpu", "0"},
                        new double[][] {{41, 1_700_000_000_000L}, {42.5, 1_700_000_030_000L}})
                .series(new String[] {"__name__", "up", "job", "node"}, new double[][] {{1, 1_700_000_000_123L}})
                .body();

        List<TimeSeries> series = decoder.decode(body);

        assertThat(series).hasSize(2);
        assertThat(series.get(0).labels())
                .containsExactly(entry("UUID", "GPU-1"), entry("__name__", "DCGM_FI_DEV_GPU_TEMP"), entry("gpu", "0"));
        assertThat(series.get(0).samples())
                .containsExactly(
                        new TimeSeries.Sample(41, 1_700_000_000_000L), new TimeSeries.Sample(42.5, 1_700_000_030_000L));
        assertThat(series.get(1).name()).isEqualTo("up");
        assertThat(series.get(1).samples()).containsExactly(new TimeSeries.Sample(1, 1_700_000_000_123L));
    }

    @Test
    void aLabelWithAnEmptyValueIsNoLabelAsInPrometheus() {
        byte[] body = new WriteRequests()
                .series(new String[] {"__name__", "m", "pod", "", "gpu", "3"}, new double[][] {{1, 1}})
                .body();

        assertThat(decoder.decode(body).get(0).labels()).containsOnlyKeys("__name__", "gpu");
    }

    @Test
    void fieldsTheReceiverDoesNotUseAreSkipped() throws IOException {
        // A WriteRequest with metadata (field 3) before its series, and a series with an exemplar (field 3).
        var bytes = new ByteArrayOutputStream();
        var out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(3, "metadata".getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] series = new WriteRequests()
                .series(new String[] {"__name__", "m"}, new double[][] {{7, 8}})
                .protobuf();
        byte[] raw = concat(bytes.toByteArray(), series);

        List<TimeSeries> decoded = decoder.decode(WriteRequests.snappy(raw));

        assertThat(decoded).hasSize(1);
        assertThat(decoded.get(0).samples()).containsExactly(new TimeSeries.Sample(7, 8));
    }

    @Test
    void prometheusStalenessMarkerIsToldFromAMeasuredNaN() {
        assertThat(new TimeSeries.Sample(Double.longBitsToDouble(0x7ff0000000000002L), 1).isStalenessMarker())
                .isTrue();
        assertThat(new TimeSeries.Sample(Double.NaN, 1).isStalenessMarker()).isFalse();
        assertThat(new TimeSeries.Sample(0, 1).isStalenessMarker()).isFalse();
    }

    @Test
    void aBodyThatIsNotSnappyIsRefusedSayingSo() {
        assertThatThrownBy(() -> decoder.decode(new byte[0]))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessageContaining("not snappy-compressed");
        assertThatThrownBy(() -> decoder.decode("# HELP up 1\nup 1\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessageContaining("snappy");
    }

    @Test
    void aBodyAnnouncingMoreThanTheLimitIsRefusedBeforeItIsUncompressed() {
        // Snappy's header: the uncompressed length as a varint; 100 MiB, then nothing.
        byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x32};

        assertThatThrownBy(() -> decoder.decode(body))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessageContaining("104857600 bytes uncompressed");
    }

    @Test
    void snappyThatHoldsNoProtobufIsRefusedSayingSo() {
        byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0A};

        assertThatThrownBy(() -> decoder.decode(WriteRequests.snappy(garbage)))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessageContaining("not a remote-write WriteRequest");
    }

    @Test
    void aLabelWithoutANameOrWithABadOneIsRefusedNamingTheSeries() {
        byte[] empty = new WriteRequests()
                .series(new String[] {"__name__", "m"}, new double[][] {{1, 1}})
                .series(new String[] {"__name__", "m", "", "x"}, new double[][] {{1, 1}})
                .body();
        byte[] digit = new WriteRequests()
                .series(new String[] {"__name__", "m", "1gpu", "x"}, new double[][] {{1, 1}})
                .body();

        assertThatThrownBy(() -> decoder.decode(empty))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessage(
                        "series 1 has a label named ''; a label name is a letter or '_', then letters, digits or '_'");
        assertThatThrownBy(() -> decoder.decode(digit))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessageContaining("label named '1gpu'");
    }

    @Test
    void aSeriesWithoutANameOrWithALabelTwiceIsRefused() {
        byte[] nameless = new WriteRequests()
                .series(new String[] {"job", "x"}, new double[][] {{1, 1}})
                .body();
        byte[] twice = new WriteRequests()
                .series(new String[] {"__name__", "m", "gpu", "1", "gpu", "2"}, new double[][] {{1, 1}})
                .body();

        assertThatThrownBy(() -> decoder.decode(nameless))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessage("series 0 has no metric name (label __name__)");
        assertThatThrownBy(() -> decoder.decode(twice))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessage("series 0 has the label gpu twice");
    }

    @Test
    void aSeriesWithTenThousandLabelsIsRefused() {
        String[] labels = new String[2 * 10_000];
        for (int i = 0; i < 10_000; i++) {
            labels[2 * i] = "l" + i;
            labels[2 * i + 1] = "v";
        }
        labels[0] = "__name__";

        assertThatThrownBy(() -> decoder.decode(new WriteRequests()
                        .series(labels, new double[][] {{1, 1}})
                        .body()))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessageContaining("more than 128 labels");
    }

    @Test
    void aLabelValueThatIsNotUtf8IsRefused() throws IOException {
        var label = new ByteArrayOutputStream();
        var out = CodedOutputStream.newInstance(label);
        out.writeString(1, "Hostname");
        out.writeByteArray(2, new byte[] {'h', (byte) 0xC3, '('});
        out.flush();
        var series = new ByteArrayOutputStream();
        var seriesOut = CodedOutputStream.newInstance(series);
        seriesOut.writeByteArray(1, label.toByteArray());
        seriesOut.flush();
        var request = new ByteArrayOutputStream();
        var requestOut = CodedOutputStream.newInstance(request);
        requestOut.writeByteArray(1, series.toByteArray());
        requestOut.flush();

        assertThatThrownBy(() -> decoder.decode(WriteRequests.snappy(request.toByteArray())))
                .isInstanceOf(InvalidWriteRequestException.class)
                .hasMessageContaining("UTF-8");
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
