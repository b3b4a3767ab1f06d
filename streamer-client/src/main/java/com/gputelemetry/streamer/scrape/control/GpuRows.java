package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.control.DcgmSentinel;
import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.RowProblem;
import com.gputelemetry.streamer.scrape.entity.LabelSet;
import com.gputelemetry.streamer.scrape.entity.Sample;
import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Turns one scrape's samples into the rows the CSV path builds from a file: dcgm-exporter's labels into the columns,
 * the whole label set into {@code labels_raw}. Samples of no GPU are counted and left out; samples the server could
 * not store (a blank sentinel, a value that is not finite, a missing column) are collected as problems.
 */
final class GpuRows implements Consumer<Sample> {

    /** Thrown while parsing once the rows would not fit where they are to go: the rest is not worth reading. */
    static final class NoRoom extends RuntimeException {
        NoRoom() {
            super(null, null, false, false);
        }
    }

    private static final int ROOM_CHECK_EVERY = 256;

    private final ScrapeTarget target;
    private final IntSupplier room;
    private final List<CsvRow> rows = new ArrayList<>();
    private final List<RowProblem> problems = new ArrayList<>();
    private long samples;
    private long notGpu;

    /** @param room how many rows may still be taken in; asked now and then while the body is read */
    GpuRows(ScrapeTarget target, IntSupplier room) {
        this.target = target;
        this.room = room;
    }

    @Override
    public void accept(Sample sample) {
        samples++;
        if (!sample.isGpuSeries()) {
            notGpu++;
            return;
        }
        String problem = problemWith(sample);
        if (problem != null) {
            problems.add(new RowProblem(target.toString(), sample.line(), problem));
            return;
        }
        rows.add(toRow(sample));
        if (rows.size() % ROOM_CHECK_EVERY == 0 && rows.size() > room.getAsInt()) {
            throw new NoRoom();
        }
    }

    CsvRow toRow(Sample sample) {
        String hostname = sample.label("Hostname");
        if (hostname.isEmpty()) {
            hostname = sample.label("hostname");
        }
        if (hostname.isEmpty()) {
            // dcgm-exporter can be told to leave the host out; the target's host is then the best name for it.
            hostname = target.host();
        }
        return new CsvRow(
                sample.line(),
                sample.timestamp().map(Instant::toString).orElse(""),
                sample.name(),
                sample.label("gpu"),
                sample.label("device"),
                sample.label("UUID"),
                sample.label("modelName"),
                hostname,
                sample.value(),
                sample.label("container"),
                sample.label("pod"),
                sample.label("namespace"),
                LabelSet.of(sample, target).toString());
    }

    private static String problemWith(Sample sample) {
        for (String label : List.of("gpu", "device", "modelName")) {
            if (sample.label(label).isEmpty()) {
                return "label " + label + " is missing";
            }
        }
        try {
            Integer.parseInt(sample.label("gpu"));
        } catch (NumberFormatException e) {
            return "label gpu is not an integer: '" + sample.label("gpu") + "'";
        }
        if (DcgmSentinel.matches(sample.value())) {
            return "value " + sample.value() + " is DCGM's 'not supported' sentinel, not a measurement";
        }
        if (!sample.hasFiniteValue()) {
            return "value is not a finite number: '" + sample.value() + "'";
        }
        return null;
    }

    List<CsvRow> rows() {
        return rows;
    }

    List<RowProblem> problems() {
        return problems;
    }

    long samples() {
        return samples;
    }

    long notGpu() {
        return notGpu;
    }
}
