package com.gputelemetry.system;

/**
 * What the system test classes share when they run: the machine. Each holds it alone ({@code @ResourceLock(MACHINE)}),
 * since its servers, databases and streamers use every core and its timings assume so; only the application servers'
 * tests share it, with each other.
 */
public final class SystemTests {

    public static final String MACHINE = "the machine";

    private SystemTests() {}
}
