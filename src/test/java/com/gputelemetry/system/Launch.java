package com.gputelemetry.system;

import java.util.List;

/** Where the build put the artifacts under test, and the coverage agent for the JVMs the tests start. */
final class Launch {

    private Launch() {}

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests through Maven");
        }
        return value;
    }

    /** JaCoCo's agent when the build measures coverage, so that code run in the started JVMs counts too. */
    static List<String> coverageAgent() {
        String agent = System.getProperty("coverage.agent", "");
        return agent.startsWith("-javaagent:") ? List.of(agent) : List.of();
    }
}
