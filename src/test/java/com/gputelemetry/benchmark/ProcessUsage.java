package com.gputelemetry.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What a process on this machine has used, read from /proc: the benchmarks' own accounting of CPU and memory. */
final class ProcessUsage {

    private ProcessUsage() {}

    /** utime + stime in clock ticks (1/100 s), 0 once the process is gone. */
    static long cpuTicks(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the command name: state is field 3, utime 14, stime 15 (1-based in proc(5)).
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** The same for a process and the ones it started, e.g. a database server and its connections. */
    static long cpuTicksWithDescendants(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants())
                .mapToLong(ProcessUsage::cpuTicks)
                .sum();
    }

    static long residentMb(ProcessHandle process) throws IOException {
        for (String status : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (status.startsWith("VmRSS:")) {
                return Long.parseLong(status.replaceAll("\\D", "")) / 1024;
            }
        }
        return 0;
    }
}
