package com.gputelemetry.telemetry.entity;

/**
 * The unit of a DCGM field, by DCGM's naming conventions: utilisations in percent, power in watts, temperatures in
 * degrees Celsius, frame buffer in MiB, clocks in MHz, energy in millijoules. Null when the name says nothing.
 */
public final class MetricUnit {

    private MetricUnit() {}

    public static String of(String metric) {
        String name = metric.toUpperCase();
        if (name.endsWith("_UTIL")) {
            return "%";
        }
        if (name.endsWith("_TEMP")) {
            return "°C";
        }
        if (name.endsWith("_CLOCK")) {
            return "MHz";
        }
        if (name.contains("_FB_")) {
            return "MiB";
        }
        if (name.endsWith("POWER_USAGE") || name.endsWith("POWER_LIMIT")) {
            return "W";
        }
        if (name.endsWith("ENERGY_CONSUMPTION")) {
            return "mJ";
        }
        return null;
    }
}
