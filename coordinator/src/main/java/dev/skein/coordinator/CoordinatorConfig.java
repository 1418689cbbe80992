package dev.skein.coordinator;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.ZkClusterConfig;

/**
 * How a coordinator runs.
 *
 * @param id participant id in the leader election
 * @param bindHost the address the HTTP API listens on
 * @param httpPort the REST port; 0 picks a free one
 * @param flightPort the Flight port for taps; 0 picks a free one
 * @param zookeeper how to reach the cluster state
 */
public record CoordinatorConfig(String id, String bindHost, int httpPort, int flightPort, ZkClusterConfig zookeeper) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_FLIGHT_PORT = 8816;

    public CoordinatorConfig {
        requireNonNull(id, "id is null");
        requireNonNull(bindHost, "bindHost is null");
        requireNonNull(zookeeper, "zookeeper is null");
    }
}
