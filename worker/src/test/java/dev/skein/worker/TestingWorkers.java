package dev.skein.worker;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.spec.DataRoots;
import java.util.Optional;

/** Worker configurations for tests: loopback, a free port, a small DuckDB. */
public final class TestingWorkers {
    private TestingWorkers() {}

    public static WorkerConfig config(ZkClusterConfig zookeeper, boolean allowSql) {
        return new WorkerConfig("test-worker", "127.0.0.1", 0, "127.0.0.1", zookeeper, 1, "512MB", Optional.empty(),
                allowSql, Optional.empty(), DataRoots.none(), false, 0);
    }
}
