package com.gputelemetry.streamer.control;

import java.math.BigDecimal;
import java.util.Set;

/**
 * DCGM's "blank" values: markers for not found, not supported or not permitted, written where a measurement would
 * be (just below the top of the int32 and int64 ranges, and 2^47 for doubles). The streamer never sends them.
 */
public final class DcgmSentinel {

    private static final Set<BigDecimal> VALUES = Set.of(
            new BigDecimal("2147483632"), new BigDecimal("2147483633"),
            new BigDecimal("2147483634"), new BigDecimal("2147483635"),
            new BigDecimal("9223372036854775792"), new BigDecimal("9223372036854775793"),
            new BigDecimal("9223372036854775794"), new BigDecimal("9223372036854775795"),
            new BigDecimal("140737488355328"), new BigDecimal("140737488355329"),
            new BigDecimal("140737488355330"), new BigDecimal("140737488355331"));

    private DcgmSentinel() {}

    public static boolean matches(String value) {
        try {
            return VALUES.contains(new BigDecimal(value).stripTrailingZeros().setScale(0));
        } catch (NumberFormatException | ArithmeticException e) {
            return false;
        }
    }
}
