package dev.skein.worker.task;

import static java.util.Objects.requireNonNull;

/**
 * One downstream task this task sends to.
 *
 * @param key the receiving task
 * @param host its worker's advertised host
 * @param port its worker's Flight port
 */
public record DownstreamTarget(TaskKey key, String host, int port) {
    public DownstreamTarget {
        requireNonNull(key, "key is null");
        requireNonNull(host, "host is null");
    }
}
