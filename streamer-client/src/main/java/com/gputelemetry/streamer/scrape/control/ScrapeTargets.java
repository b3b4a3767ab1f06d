package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.control.EventLog;
import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The targets to scrape: those given on the command line, those of a {@code file_sd} file, read again when its
 * modification time or size changes, and those behind DNS names, looked up again at every {@link #resolveNames}. A
 * file that has become unreadable or invalid leaves the targets as they were (as Prometheus does): an editor's
 * half-written save must not stop every scrape.
 */
public final class ScrapeTargets {

    private final List<ScrapeTarget> fixed;
    private final Path file;
    private final DnsTargets dns;
    private FileTime modified;
    private long size = -1;
    private List<ScrapeTarget> fromFile = List.of();
    private volatile List<ScrapeTarget> current;

    /** @throws IllegalArgumentException when a URL or the file is not usable, saying why */
    public ScrapeTargets(List<String> urls, Path file) throws IOException {
        this(urls, file, DnsTargets.none());
    }

    /** @throws IllegalArgumentException when a URL or the file is not usable, saying why */
    public ScrapeTargets(List<String> urls, Path file, DnsTargets dns) throws IOException {
        List<ScrapeTarget> targets = new ArrayList<>();
        for (String url : urls) {
            targets.add(ScrapeTarget.of(url, Map.of()));
        }
        this.fixed = List.copyOf(targets);
        this.file = file;
        this.dns = dns;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": no such file");
            }
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            this.fromFile = FileSdTargets.read(file);
            this.modified = attributes.lastModifiedTime();
            this.size = attributes.size();
        }
        this.current = merged();
    }

    public List<ScrapeTarget> current() {
        return current;
    }

    public String description() {
        List<String> sources = new ArrayList<>();
        if (!fixed.isEmpty()) {
            sources.add(fixed.size() + " URL(s)");
        }
        if (file != null) {
            sources.add("targets of " + file);
        }
        if (!dns.isEmpty()) {
            sources.add("addresses of " + dns.size() + " DNS name(s)");
        }
        return String.join(" and ", sources);
    }

    /**
     * Reads the file again if it changed since last time.
     *
     * @return the new targets, or empty when nothing changed
     * @throws IllegalArgumentException when the changed file is not usable: the targets stay as they were
     */
    public synchronized Optional<List<ScrapeTarget>> reloadIfChanged() throws IOException {
        if (file == null) {
            return Optional.empty();
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.lastModifiedTime().equals(modified) && attributes.size() == size) {
            return Optional.empty();
        }
        // Remembered first: a broken file is reported once, not at every interval until it is fixed.
        modified = attributes.lastModifiedTime();
        size = attributes.size();
        fromFile = FileSdTargets.read(file);
        current = merged();
        return Optional.of(current);
    }

    /**
     * Looks the DNS names up again; one that does not resolve keeps its last addresses and is logged.
     *
     * @return the new targets, or empty when the addresses did not change
     */
    public Optional<List<ScrapeTarget>> resolveNames(EventLog log) {
        // The lookups run outside the lock, which only keeps this merge and the file's apart.
        if (dns.isEmpty() || !dns.resolve(log)) {
            return Optional.empty();
        }
        synchronized (this) {
            current = merged();
            return Optional.of(current);
        }
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    private List<ScrapeTarget> merged() {
        var all = new LinkedHashSet<>(fixed);
        all.addAll(fromFile);
        all.addAll(dns.current());
        return List.copyOf(all);
    }
}
