package dev.skein.worker;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.ZkClusterConfig;

/**
 * How a worker runs.
 *
 * @param id unique among live workers
 * @param bindHost the address the Flight server listens on
 * @param port the Flight port; 0 picks a free one
 * @param advertiseHost the host other nodes and clients are told to connect to
 * @param zookeeper how to reach the cluster state
 * @param duckdbThreads DuckDB threads for this worker's database
 * @param duckdbMemoryLimit DuckDB memory limit, e.g. {@code 2GB}
 */
public record WorkerConfig(
        String id,
        String bindHost,
        int port,
        String advertiseHost,
        ZkClusterConfig zookeeper,
        int duckdbThreads,
        String duckdbMemoryLimit) {
    public static final int DEFAULT_PORT = 8815;

    public WorkerConfig {
        requireNonNull(id, "id is null");
        requireNonNull(bindHost, "bindHost is null");
        requireNonNull(advertiseHost, "advertiseHost is null");
        requireNonNull(zookeeper, "zookeeper is null");
        requireNonNull(duckdbMemoryLimit, "duckdbMemoryLimit is null");
    }
}
