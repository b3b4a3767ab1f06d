package com.gputelemetry.telemetry.control;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.GpuPosition;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The GPUs the API answers about, for every resource that names one or lists them: one by its UUID, or a slice. */
@ApplicationScoped
public class GpuLookup {

    @EJB
    GpuCatalog catalog;

    /** The GPU, or a 404 problem when it has not reported telemetry. */
    public Gpu known(String uuid) {
        return catalog.gpu(uuid)
                .orElseThrow(() -> Problem.notFound("no GPU with UUID " + uuid + " has reported telemetry"));
    }

    /**
     * At most {@code size} GPUs after a position in the list's order (hostname, then index), filtered by host and
     * model where given (null: any).
     */
    public Slice slice(String hostname, String model, GpuPosition after, int size) {
        return slice(hostname, model, null, null, after, size);
    }

    /** A slice of the GPUs that served a workload of this namespace and pod (either null for any). */
    public Slice slice(String hostname, String model, String namespace, String pod, GpuPosition after, int size) {
        List<Gpu> gpus = catalog.gpus(hostname, model, namespace, pod, after, size + 1);
        if (gpus.size() > size) {
            List<Gpu> slice = gpus.subList(0, size);
            return new Slice(slice, GpuPosition.of(slice.get(size - 1)));
        }
        return new Slice(gpus, null);
    }

    /** GPUs of the list, and the position the next slice starts after: null when none follows. */
    public record Slice(List<Gpu> gpus, GpuPosition next) {

        public String nextCursor() {
            return next == null ? null : next.toCursor();
        }
    }
}
