package com.gputelemetry.graphql.entity;

import com.gputelemetry.telemetry.entity.Gpu;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * A GPU as GraphQL shows it, from a listing's row or a whole one; the fields that read more (labels, telemetry) are
 * resolved in batches by {@code GpuFields}.
 */
@Type("Gpu")
@Description("A GPU that has reported telemetry. Its identity is its UUID: gpuIndex (0-7) repeats on every host.")
public class GpuNode {

    private final Gpu gpu;

    public GpuNode(Gpu gpu) {
        this.gpu = gpu;
    }

    /** The entity the batched fields read with. */
    public Gpu gpu() {
        return gpu;
    }

    @NonNull
    public String getUuid() {
        return gpu.getUuid();
    }

    @NonNull
    public String getHostname() {
        return gpu.getHostname();
    }

    public int getGpuIndex() {
        return gpu.getGpuIndex();
    }

    public String getDevice() {
        return gpu.getDevice();
    }

    public String getModel() {
        return gpu.getModel();
    }

    @Description("The time of its first point (RFC 3339)")
    public String getFirstSeen() {
        return gpu.getFirstSeen();
    }

    @Description("The time of its newest point (RFC 3339)")
    public String getLastSeen() {
        return gpu.getLastSeen();
    }
}
