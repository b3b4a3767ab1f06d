/**
 * Scrape mode: the streamer reads dcgm-exporters' {@code /metrics} instead of a CSV file, and sends what it read as
 * the same rows, through the same batches, checkpoint and transports as the CSV path.
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>Each target is scraped on its own schedule (an offset within the interval, from its address, spreads the
 *       targets out as Prometheus does); a scrape runs asynchronously on a small fixed pool, so a target that is
 *       down, slow or answers garbage costs the others nothing. Its failure is logged when its outcome changes, and
 *       it is tried again at its next slot.
 *   <li>Targets come from the command line, a {@code file_sd} file and DNS names (every address of a headless
 *       Service, as Prometheus' {@code dns_sd_configs}); the file and the names are read again every interval, off
 *       the clock's thread. A file or a name that has become unusable keeps the targets it gave last: a broken save or
 *       a DNS server's hiccup must not stop the scrapes.
 *   <li>Both the Prometheus text format 0.0.4 and OpenMetrics 1.0 text are read (the parser is ours); a body with a
 *       line that is not valid fails the whole scrape, as in Prometheus: a half-valid body is rarely an exporter's.
 *   <li>A body may hold at most 16 MiB after decompression, and all bodies being received at once 64 MiB: the
 *       streamer must live in a 256 MB heap, while a real dcgm-exporter answers with well under 1 MiB.
 *   <li>A sample without a {@code UUID} label is not a GPU series (the exporter's own metrics, a node exporter's): it
 *       is counted ({@code samplesNotGpu}) and not sent, since the server could not store it. DCGM's blank sentinels
 *       and values that are not finite are rejected and counted as in the CSV path.
 *   <li>Every sample of one scrape is stamped with the time the scrape started; the exporter's own timestamp, if any,
 *       travels as the source timestamp.
 *   <li>Backpressure: scraped rows wait in a bounded buffer for their batch. While it is full, a target's scrape is
 *       skipped and logged as {@code skipped: backpressure}, never dropped unseen; a scrape's rows go in whole or not
 *       at all.
 * </ul>
 */
package com.gputelemetry.streamer.scrape;
