package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

/**
 * A live worker as registered in ZooKeeper (an ephemeral node: it disappears with the worker's
 * session).
 *
 * @param id unique among live workers
 * @param host the advertised host other nodes and clients connect to
 * @param flightPort the advertised Flight port
 * @param cores processors available to the worker
 * @param startedAtMillis wall-clock start time
 */
public record WorkerInfo(String id, String host, int flightPort, int cores, long startedAtMillis) {
    public WorkerInfo {
        requireNonNull(id, "id is null");
        requireNonNull(host, "host is null");
    }

    /** {@code host:port}, for messages. */
    public String address() {
        return host + ":" + flightPort;
    }
}
