package com.gputelemetry.streamer.scrape.control;

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
 * The targets to scrape: those given on the command line, and those of a {@code file_sd} file, read again when its
 * modification time or size changes. A file that has become unreadable or invalid leaves the targets as they were
 * (as Prometheus does): an editor's half-written save must not stop every scrape.
 */
public final class ScrapeTargets {

    private final List<ScrapeTarget> fixed;
    private final Path file;
    private FileTime modified;
    private long size = -1;
    private List<ScrapeTarget> current;

    /** @throws IllegalArgumentException when a URL or the file is not usable, saying why */
    public ScrapeTargets(List<String> urls, Path file) throws IOException {
        List<ScrapeTarget> targets = new ArrayList<>();
        for (String url : urls) {
            targets.add(ScrapeTarget.of(url, Map.of()));
        }
        this.fixed = List.copyOf(targets);
        this.file = file;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": no such file");
            }
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            this.current = merged(FileSdTargets.read(file));
            this.modified = attributes.lastModifiedTime();
            this.size = attributes.size();
        } else {
            this.current = fixed;
        }
    }

    public List<ScrapeTarget> current() {
        return current;
    }

    public String description() {
        return (fixed.isEmpty() ? "" : fixed.size() + " URL(s)")
                + (fixed.isEmpty() || file == null ? "" : " and ")
                + (file == null ? "" : "targets of " + file);
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
        current = merged(FileSdTargets.read(file));
        return Optional.of(current);
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    private List<ScrapeTarget> merged(List<ScrapeTarget> fromFile) {
        var all = new LinkedHashSet<>(fixed);
        all.addAll(fromFile);
        return List.copyOf(all);
    }
}
