package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

/**
 * Where one task runs. Stage 0 is the source; stages 1..n are the spec's stages in order.
 *
 * @param stage 0 for the source, else 1-based stage position
 * @param index the task's index within its stage, 0-based
 * @param workerId the worker running it
 * @param host the worker's advertised host
 * @param port the worker's advertised Flight port
 */
public record TaskPlacement(int stage, int index, String workerId, String host, int port) {
    public TaskPlacement {
        requireNonNull(workerId, "workerId is null");
        requireNonNull(host, "host is null");
    }

    /** {@code stage-index}, unique within an epoch. */
    public String key() {
        return stage + "-" + index;
    }
}
