package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.control.EventLog;
import com.gputelemetry.streamer.scrape.entity.DnsName;
import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exporters behind DNS names, such as a Kubernetes headless Service's (one address per ready pod), looked up anew
 * at every {@link #resolve}. A name that does not resolve keeps its last addresses, as Prometheus keeps a discovery's
 * last targets on a lookup error: a DNS server's hiccup must not drop a fleet's targets, and exporters that are really
 * gone fail their scrapes and say so. Each name's change of addresses or of failure is logged once.
 */
public final class DnsTargets {

    /** Looks a name up: {@link InetAddress#getAllByName} in a streamer, a table that changes in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] addresses(String name) throws UnknownHostException;
    }

    private final List<DnsName> names;
    private final Resolver resolver;
    private final Map<DnsName, List<ScrapeTarget>> found = new LinkedHashMap<>();
    private final Map<DnsName, String> failing = new HashMap<>();

    /** @throws IllegalArgumentException when one of them is no name and port, saying why */
    public DnsTargets(List<String> names, Resolver resolver) {
        this.names = names.stream().map(DnsName::of).distinct().toList();
        this.resolver = resolver;
    }

    public static DnsTargets none() {
        return new DnsTargets(List.of(), InetAddress::getAllByName);
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public int size() {
        return names.size();
    }

    /**
     * Looks every name up once.
     *
     * @return whether the targets changed
     */
    public synchronized boolean resolve(EventLog log) {
        boolean changed = false;
        for (DnsName name : names) {
            List<ScrapeTarget> before = found.getOrDefault(name, List.of());
            List<ScrapeTarget> now;
            try {
                now = name.targetsAt(List.of(resolver.addresses(name.name())));
            } catch (UnknownHostException e) {
                String reason = String.valueOf(e.getMessage());
                if (!reason.equals(failing.put(name, reason))) {
                    log.log(
                            "scrape-dns-failed",
                            "name",
                            name.toString(),
                            "reason",
                            reason,
                            "kept",
                            Integer.toString(before.size()));
                }
                continue;
            }
            boolean recovered = failing.remove(name) != null;
            if (recovered || !now.equals(before)) {
                Set<ScrapeTarget> added = new HashSet<>(now);
                before.forEach(added::remove);
                Set<ScrapeTarget> removed = new HashSet<>(before);
                now.forEach(removed::remove);
                log.log(
                        "scrape-dns",
                        "name",
                        name.toString(),
                        "targets",
                        Integer.toString(now.size()),
                        "added",
                        Integer.toString(added.size()),
                        "removed",
                        Integer.toString(removed.size()));
                changed |= !now.equals(before);
                found.put(name, now);
            }
        }
        return changed;
    }

    /** The targets of every name, as last resolved; a target behind two names once. */
    public synchronized List<ScrapeTarget> current() {
        var all = new LinkedHashSet<ScrapeTarget>();
        found.values().forEach(all::addAll);
        return List.copyOf(all);
    }
}
