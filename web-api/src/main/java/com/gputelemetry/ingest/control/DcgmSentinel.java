package com.gputelemetry.ingest.control;

import java.math.BigDecimal;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DCGM's "blank" values: markers for not found, not supported or not permitted, written where a measurement would
 * be. They sit just below the top of the int32 and int64 ranges and at 2^47 for doubles; they are never data.
 */
public final class DcgmSentinel {

    private static final Set<BigDecimal> VALUES = Set.of(
            new BigDecimal("2147483632"), new BigDecimal("2147483633"),
            new BigDecimal("2147483634"), new BigDecimal("2147483635"),
            new BigDecimal("9223372036854775792"), new BigDecimal("9223372036854775793"),
            new BigDecimal("9223372036854775794"), new BigDecimal("9223372036854775795"),
            new BigDecimal("140737488355328"), new BigDecimal("140737488355329"),
            new BigDecimal("140737488355330"), new BigDecimal("140737488355331"));

    /** The same as doubles: a remote-written sample is one (the int64 markers all become 2^63 so). */
    private static final Set<Double> AS_DOUBLES =
            VALUES.stream().map(BigDecimal::doubleValue).collect(Collectors.toUnmodifiableSet());

    private DcgmSentinel() {}

    public static boolean matches(double value) {
        return AS_DOUBLES.contains(value);
    }

    static boolean matches(String value) {
        try {
            return VALUES.contains(new BigDecimal(value).stripTrailingZeros().setScale(0));
        } catch (NumberFormatException | ArithmeticException e) {
            return false;
        }
    }
}
