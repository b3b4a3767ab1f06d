package com.gputelemetry.system;

/**
 * The system tests run in two lanes (see {@code ear/pom.xml}): the classes one after the other, and beside them the
 * classes that take this lock ({@code CONCURRENT} with {@code @ResourceLock(SecondLane.LOCK)}), one after the other
 * too, their methods in order in the class's thread. The application servers are in the second lane, with a few
 * classes that balance the two; the ones that kill servers or databases stay in the first, which runs alone once the
 * second is done.
 */
final class SecondLane {

    static final String LOCK = "second-lane";

    private SecondLane() {}
}
