package dev.skein.worker;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.spec.DataRoots;
import java.nio.file.Path;
import java.util.Optional;

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
 * @param tableDatabase the DuckDB file behind the worker's tables (DoPut/DoGet); empty for memory
 * @param allowSql whether plain Flight clients may run read-only SQL over those tables ({@code
 *     GetFlightInfo(CMD sql)}); Flight SQL clients may always query them
 * @param allowSqlWrites whether Flight SQL clients may also change them (INSERT, UPDATE, DELETE,
 *     CREATE, DROP, ALTER, TRUNCATE)
 * @param pluginsDirectory where jars of Java transforms are, each loaded in its own class loader;
 *     classes on the worker's class path are found without one
 * @param dataRoots the only directories pipelines' sources, sinks and SQL may read and write
 *     ({@code --data-dir}); none means no file access at all
 * @param metricsPort the port of the worker's Prometheus {@code /metrics} (on {@code bindHost}); 0
 *     picks a free one, published in the worker's registration
 */
public record WorkerConfig(
        String id,
        String bindHost,
        int port,
        String advertiseHost,
        ZkClusterConfig zookeeper,
        int duckdbThreads,
        String duckdbMemoryLimit,
        Optional<Path> tableDatabase,
        boolean allowSql,
        Optional<Path> pluginsDirectory,
        DataRoots dataRoots,
        boolean allowSqlWrites,
        int metricsPort) {
    public static final int DEFAULT_PORT = 8815;

    public WorkerConfig {
        requireNonNull(id, "id is null");
        requireNonNull(bindHost, "bindHost is null");
        requireNonNull(advertiseHost, "advertiseHost is null");
        requireNonNull(zookeeper, "zookeeper is null");
        requireNonNull(duckdbMemoryLimit, "duckdbMemoryLimit is null");
        requireNonNull(tableDatabase, "tableDatabase is null");
        requireNonNull(pluginsDirectory, "pluginsDirectory is null");
        requireNonNull(dataRoots, "dataRoots is null");
    }
}
