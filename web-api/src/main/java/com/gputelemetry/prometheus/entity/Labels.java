package com.gputelemetry.prometheus.entity;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** A series' label set, by name, as Prometheus keeps it: its identity. Immutable. */
public final class Labels implements Comparable<Labels> {

    public static final String NAME = "__name__";
    public static final Labels EMPTY = new Labels(new TreeMap<>());

    private final SortedMap<String, String> labels;

    private Labels(SortedMap<String, String> labels) {
        this.labels = labels;
    }

    /** Labels with an empty value are no labels, as in Prometheus. */
    public static Labels of(Map<String, String> labels) {
        var sorted = new TreeMap<String, String>();
        labels.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                sorted.put(name, value);
            }
        });
        return new Labels(sorted);
    }

    /** The value of a label; "" when the series has none, which is how matchers see a missing label. */
    public String get(String name) {
        return labels.getOrDefault(name, "");
    }

    public Labels withoutName() {
        return without(Collections.singleton(NAME));
    }

    public Labels without(Collection<String> names) {
        var kept = new TreeMap<>(labels);
        kept.keySet().removeAll(names);
        return new Labels(kept);
    }

    public Labels only(Collection<String> names) {
        var kept = new TreeMap<>(labels);
        kept.keySet().retainAll(names);
        return new Labels(kept);
    }

    public Labels with(String name, String value) {
        var more = new TreeMap<>(labels);
        more.put(name, value);
        return new Labels(more);
    }

    public SortedMap<String, String> asMap() {
        return Collections.unmodifiableSortedMap(labels);
    }

    @Override
    public int compareTo(Labels other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Labels that && labels.equals(that.labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }

    @Override
    public String toString() {
        return labels.toString();
    }
}
