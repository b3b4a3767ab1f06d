package com.gputelemetry.system;

/**
 * The system tests run in two lanes (see {@code ear/pom.xml}): the classes one after the other, and beside them the
 * classes that take this lock, one after the other too. The application servers are in the second lane, with a few
 * long classes that balance the two.
 */
final class SecondLane {

    static final String LOCK = "second-lane";

    private SecondLane() {}
}
