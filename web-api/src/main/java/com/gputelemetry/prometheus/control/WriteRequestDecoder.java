package com.gputelemetry.prometheus.control;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import com.gputelemetry.prometheus.entity.TimeSeries;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a remote-write 1.0 body: a snappy block holding a protobuf {@code WriteRequest}. Only the fields the receiver
 * uses are read (series, their labels and samples); metadata, exemplars and native histograms are skipped.
 */
public final class WriteRequestDecoder {

    /**
     * Far above one request of Prometheus (its default of 2,000 samples a request is some hundred kilobytes), far
     * below what would strain the heap.
     */
    static final int MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

    /** dcgm-exporter writes about 15 labels a series, Prometheus and Kubernetes add a few. */
    static final int MAX_LABELS = 128;

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private static final int TIME_SERIES = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int LABEL = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SAMPLE = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int LABEL_NAME_FIELD = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int LABEL_VALUE_FIELD = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SAMPLE_VALUE = tag(1, WireFormat.WIRETYPE_FIXED64);
    private static final int SAMPLE_TIMESTAMP = tag(2, WireFormat.WIRETYPE_VARINT);

    /** @throws InvalidWriteRequestException saying what is wrong with the body */
    public List<TimeSeries> decode(byte[] body) {
        return parse(uncompressed(body));
    }

    private static byte[] uncompressed(byte[] body) {
        int length;
        try {
            length = SnappyDecompressor.getUncompressedLength(body, 0);
        } catch (RuntimeException e) {
            throw new InvalidWriteRequestException(
                    "the body is not snappy-compressed (its length header is unreadable)");
        }
        if (length < 0 || length > MAX_UNCOMPRESSED_BYTES) {
            throw new InvalidWriteRequestException("the body would be " + Integer.toUnsignedString(length)
                    + " bytes uncompressed; at most " + MAX_UNCOMPRESSED_BYTES + " are taken");
        }
        byte[] message = new byte[length];
        int written;
        try {
            written = new SnappyDecompressor().decompress(body, 0, body.length, message, 0, length);
        } catch (RuntimeException e) {
            throw new InvalidWriteRequestException("the body is not snappy-compressed: " + e.getMessage());
        }
        if (written != length) {
            throw new InvalidWriteRequestException(
                    "the body is not snappy-compressed: " + written + " bytes instead of the " + length + " announced");
        }
        return message;
    }

    private static List<TimeSeries> parse(byte[] message) {
        var in = CodedInputStream.newInstance(message);
        List<TimeSeries> series = new ArrayList<>();
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == TIME_SERIES) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    series.add(timeSeries(in, series.size()));
                    in.popLimit(limit);
                } else {
                    in.skipField(tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidWriteRequestException(
                    "the body is not a remote-write WriteRequest (protobuf): " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidWriteRequestException("the body could not be read: " + e.getMessage());
        }
        return series;
    }

    private static TimeSeries timeSeries(CodedInputStream in, int index) throws IOException {
        SortedMap<String, String> labels = new TreeMap<>();
        List<TimeSeries.Sample> samples = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == LABEL) {
                int limit = in.pushLimit(in.readRawVarint32());
                label(in, labels, index);
                in.popLimit(limit);
            } else if (tag == SAMPLE) {
                int limit = in.pushLimit(in.readRawVarint32());
                samples.add(sample(in));
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
        if (!labels.containsKey(TimeSeries.NAME)) {
            throw new InvalidWriteRequestException(
                    "series " + index + " has no metric name (label " + TimeSeries.NAME + ")");
        }
        return new TimeSeries(labels, samples);
    }

    private static void label(CodedInputStream in, SortedMap<String, String> labels, int series) throws IOException {
        String name = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == LABEL_NAME_FIELD) {
                name = in.readStringRequireUtf8();
            } else if (tag == LABEL_VALUE_FIELD) {
                value = in.readStringRequireUtf8();
            } else {
                in.skipField(tag);
            }
        }
        if (!LABEL_NAME.matcher(name).matches()) {
            throw new InvalidWriteRequestException("series " + series + " has a label named '" + shortened(name)
                    + "'; a label name is a letter or '_', then letters, digits or '_'");
        }
        if (value.isEmpty()) {
            return; // Prometheus' meaning of an empty value: the label is not there
        }
        if (labels.put(name, value) != null) {
            throw new InvalidWriteRequestException("series " + series + " has the label " + name + " twice");
        }
        if (labels.size() > MAX_LABELS) {
            throw new InvalidWriteRequestException(
                    "series " + series + " has more than " + MAX_LABELS + " labels; no GPU series has so many");
        }
    }

    private static TimeSeries.Sample sample(CodedInputStream in) throws IOException {
        double value = 0;
        long timestamp = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == SAMPLE_VALUE) {
                value = in.readDouble();
            } else if (tag == SAMPLE_TIMESTAMP) {
                timestamp = in.readInt64();
            } else {
                in.skipField(tag);
            }
        }
        return new TimeSeries.Sample(value, timestamp);
    }

    private static String shortened(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }
}
