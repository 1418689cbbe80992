package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A live worker as registered in ZooKeeper (an ephemeral node: it disappears with the worker's
 * session).
 *
 * @param id unique among live workers
 * @param host the advertised host other nodes and clients connect to
 * @param flightPort the advertised Flight port
 * @param cores processors available to the worker
 * @param startedAtMillis wall-clock start time
 * @param metricsPort the port of its Prometheus {@code /metrics} on {@code host}; 0 if it serves none
 */
public record WorkerInfo(String id, String host, int flightPort, int cores, long startedAtMillis, int metricsPort) {
    public WorkerInfo {
        requireNonNull(id, "id is null");
        requireNonNull(host, "host is null");
    }

    /** {@code http://host:port/metrics}, if the worker serves metrics. */
    public Optional<String> metricsUrl() {
        return metricsPort == 0 ? Optional.empty() : Optional.of("http://" + host + ":" + metricsPort + "/metrics");
    }

    /** {@code host:port}, for messages. */
    public String address() {
        return host + ":" + flightPort;
    }
}
