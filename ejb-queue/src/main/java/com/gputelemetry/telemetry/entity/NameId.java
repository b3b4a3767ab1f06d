package com.gputelemetry.telemetry.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A positive id computed from names (63 bits of their SHA-256), the same on every server and in every transaction: a
 * row names a workload or a series without a lookup, and two servers storing the same new one at once write the same
 * row instead of clashing. A collision needs about four billion names in one table's scope.
 */
public final class NameId {

    private NameId() {}

    public static long of(String... names) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\u0000", names).getBytes(StandardCharsets.UTF_8));
            long id = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                id = (id << 8) | (digest[i] & 0xff);
            }
            return id & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
