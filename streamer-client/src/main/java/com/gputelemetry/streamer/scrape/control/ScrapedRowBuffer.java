package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.entity.Batch;
import com.gputelemetry.streamer.entity.CsvRow;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where scraped rows wait for their batch, bounded in rows: the scrapes fill it, the one sender empties it a batch at a
 * time. A scrape's rows go in whole or not at all, each with the scrape's start as its time. Once closed it takes no
 * more rows, and a sender waiting for rows returns with what there is.
 */
public final class ScrapedRowBuffer {

    private record Scraped(List<CsvRow> rows, Instant at) {}

    private final int capacity;
    private final ArrayDeque<Scraped> scrapes = new ArrayDeque<>();
    private int size;
    // Rows of the oldest scrape already taken into a batch.
    private int taken;
    private boolean closed;

    public ScrapedRowBuffer(int capacity) {
        this.capacity = capacity;
    }

    public synchronized int room() {
        return closed ? 0 : capacity - size;
    }

    public synchronized int size() {
        return size;
    }

    /** @return false when the rows do not fit (or the buffer is closed): nothing of them was taken */
    public synchronized boolean admit(List<CsvRow> rows, Instant scrapedAt) {
        if (closed || rows.size() > capacity - size) {
            return false;
        }
        if (!rows.isEmpty()) {
            scrapes.add(new Scraped(rows, scrapedAt));
            size += rows.size();
            notifyAll();
        }
        return true;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * Moves rows into the batch until it holds {@code max} rows, or {@code linger} has passed since the first row went
     * in, or the buffer is closed. Waits for a first row until then too.
     *
     * @param rows receives the rows moved, in order
     */
    public synchronized void fill(Batch batch, List<CsvRow> rows, int max, long lingerNanos)
            throws InterruptedException {
        while (!closed && size == 0) {
            wait();
        }
        long deadline = System.nanoTime() + lingerNanos;
        while (batch.size() < max) {
            moveInto(batch, rows, max);
            long left = deadline - System.nanoTime();
            if (batch.size() == max || closed || left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Moves what is there, up to {@code max} rows in the batch, without waiting. */
    public synchronized void drainInto(Batch batch, List<CsvRow> rows, int max) {
        moveInto(batch, rows, max);
    }

    private void moveInto(Batch batch, List<CsvRow> rows, int max) {
        while (batch.size() < max && !scrapes.isEmpty()) {
            Scraped oldest = scrapes.peek();
            CsvRow row = oldest.rows().get(taken++);
            batch.add(row, oldest.at());
            rows.add(row);
            size--;
            if (taken == oldest.rows().size()) {
                scrapes.poll();
                taken = 0;
            }
        }
    }
}
