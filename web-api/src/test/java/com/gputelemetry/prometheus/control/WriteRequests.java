package com.gputelemetry.prometheus.control;

import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Remote-write bodies as Prometheus sends them (protobuf, then snappy), built with protobuf's and snappy's writers. */
final class WriteRequests {

    private final List<byte[]> series = new ArrayList<>();

    /** A series: labels as name, value, name, value…, then samples as value and millisecond pairs. */
    WriteRequests series(String[] labels, double[][] samples) {
        var bytes = new ByteArrayOutputStream();
        var out = CodedOutputStream.newInstance(bytes);
        try {
            for (int i = 0; i < labels.length; i += 2) {
                out.writeByteArray(1, label(labels[i], labels[i + 1]));
            }
            for (double[] sample : samples) {
                out.writeByteArray(2, sample(sample[0], (long) sample[1]));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        series.add(bytes.toByteArray());
        return this;
    }

    byte[] protobuf() {
        var bytes = new ByteArrayOutputStream();
        var out = CodedOutputStream.newInstance(bytes);
        try {
            for (byte[] one : series) {
                out.writeByteArray(1, one);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    byte[] body() {
        return snappy(protobuf());
    }

    static byte[] snappy(byte[] raw) {
        var compressor = new SnappyCompressor();
        byte[] compressed = new byte[compressor.maxCompressedLength(raw.length)];
        int length = compressor.compress(raw, 0, raw.length, compressed, 0, compressed.length);
        return Arrays.copyOf(compressed, length);
    }

    private static byte[] label(String name, String value) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, name);
        out.writeString(2, value);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] sample(double value, long millis) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = CodedOutputStream.newInstance(bytes);
        out.writeDouble(1, value);
        out.writeInt64(2, millis);
        out.flush();
        return bytes.toByteArray();
    }
}
