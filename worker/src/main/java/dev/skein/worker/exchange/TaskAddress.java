package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.TaskKey;

/**
 * A task and the worker it runs on: a receiver of output or a sender of input.
 *
 * @param key the receiving task
 * @param workerId the worker it runs on
 * @param host its worker's advertised host
 * @param port its worker's Flight port
 */
public record TaskAddress(TaskKey key, String workerId, String host, int port) {
    public TaskAddress {
        requireNonNull(key, "key is null");
        requireNonNull(workerId, "workerId is null");
        requireNonNull(host, "host is null");
    }

    @Override
    public String toString() {
        return "task " + key + " on worker '" + workerId + "' at " + host + ":" + port;
    }
}
