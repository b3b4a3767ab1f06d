package com.gputelemetry.access.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The tokens of one role, kept only as SHA-256 digests. Checking a presented token compares its digest with every
 * configured one, in constant time and without stopping at a match, so that neither the answer's timing nor its
 * length reveals how much of a guess was right or which token it was.
 */
public final class Tokens {

    private final List<byte[]> digests;

    private Tokens(List<byte[]> digests) {
        this.digests = digests;
    }

    /** @param setting the setting's value: tokens separated by commas, blanks ignored; null or blank for none */
    public static Tokens parse(String setting) {
        if (setting == null) {
            return new Tokens(List.of());
        }
        return new Tokens(Arrays.stream(setting.split(","))
                .map(String::strip)
                .filter(token -> !token.isEmpty())
                .map(Tokens::digest)
                .toList());
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public int count() {
        return digests.size();
    }

    public boolean accepts(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] candidate = digest(presented.strip());
        boolean accepted = false;
        for (byte[] digest : digests) {
            accepted |= MessageDigest.isEqual(digest, candidate);
        }
        return accepted;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
