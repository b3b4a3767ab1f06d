package com.gputelemetry.telemetry.entity;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A place in the GPU list, which is ordered by hostname, GPU index and UUID; encoded as an opaque cursor. */
public record GpuPosition(String hostname, int gpuIndex, String uuid) {

    public static final GpuPosition START = new GpuPosition("", Integer.MIN_VALUE, "");

    public static GpuPosition of(Gpu gpu) {
        return new GpuPosition(gpu.getHostname(), gpu.getGpuIndex(), gpu.getUuid());
    }

    public String toCursor() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((hostname + '\n' + gpuIndex + '\n' + uuid).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API handed out */
    public static GpuPosition fromCursor(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a GPU cursor");
            }
            return new GpuPosition(parts[0], Integer.parseInt(parts[1]), parts[2]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid cursor: " + cursor, e);
        }
    }
}
