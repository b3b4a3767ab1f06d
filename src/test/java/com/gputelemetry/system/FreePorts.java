package com.gputelemetry.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Ports for the servers and databases the tests start, below the range the system hands out for outgoing connections
 * (Linux's ephemeral ports): a server killed and started again on its port finds it free, since no connection of
 * anything running meanwhile can have been given it. Two test classes may run at once: a port handed out is never
 * handed out again, as its server may not have bound it yet.
 */
final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {}

    /** A free port. */
    static int one() throws IOException {
        return base(0);
    }

    /** A base such that {@code base + offset} is free for each offset. */
    static synchronized int base(int... offsets) throws IOException {
        int lowest = IntStream.of(offsets).min().orElseThrow();
        int highest = IntStream.of(offsets).max().orElseThrow();
        int below = firstEphemeralPort();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(LOWEST - lowest, below - highest);
            if (IntStream.of(offsets).allMatch(offset -> isFree(base + offset))) {
                IntStream.of(offsets).forEach(offset -> HANDED_OUT.add(base + offset));
                return base;
            }
        }
        throw new IOException("no free ports found below " + below);
    }

    private static int firstEphemeralPort() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        return Files.exists(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).strip().split("\\s+")[0])
                : 32_768;
    }

    private static boolean isFree(int port) {
        if (HANDED_OUT.contains(port)) {
            return false;
        }
        try (var socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
