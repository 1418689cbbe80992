package dev.skein.cli.local;

import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.coordinator.CoordinatorConfig;
import dev.skein.coordinator.CoordinatorNode;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.util.AutoCloseables;

/**
 * Skein on one machine: an embedded ZooKeeper and a coordinator in this JVM, and N worker
 * processes on loopback. What {@code skein demo}, {@code skein run} and the integration tests use.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Duration WORKERS_TIMEOUT = Duration.ofSeconds(60);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final Path workDir;
    private EmbeddedZooKeeper zookeeper;
    private CoordinatorNode coordinator;

    private LocalCluster(Path workDir) {
        this.workDir = workDir;
    }

    /**
     * @param workers number of worker processes
     * @param workerHeap each worker's heap, e.g. {@code 1g}
     * @param duckdbThreads DuckDB threads per worker
     */
    public static LocalCluster start(int workers, String workerHeap, int duckdbThreads) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("skein-local-");
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot create a work directory: " + e.getMessage(), e);
        }
        LocalCluster cluster = new LocalCluster(workDir);
        try {
            cluster.startAll(workers, workerHeap, duckdbThreads);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void startAll(int workerCount, String workerHeap, int duckdbThreads) {
        zookeeper = own(EmbeddedZooKeeper.start("127.0.0.1", 0, workDir.resolve("zookeeper")));
        ZkClusterConfig zk = ZkClusterConfig.of(zookeeper.connectString());
        coordinator = own(CoordinatorNode.start(new CoordinatorConfig("coordinator", "127.0.0.1", 0, 0, zk)));
        for (int i = 1; i <= workerCount; i++) {
            addWorker("worker-" + i, workerHeap, duckdbThreads);
        }
        awaitWorkers(workerCount);
    }

    /** Starts one more worker process (it registers by itself). */
    public WorkerProcess addWorker(String id, String heap, int duckdbThreads) {
        WorkerProcess worker = own(WorkerProcess.start(id, workDir, heap, List.of(
                "--zookeeper", zookeeper.connectString(),
                "--bind", "127.0.0.1",
                "--advertise-host", "127.0.0.1",
                "--port", "0",
                "--duckdb-threads", Integer.toString(duckdbThreads))));
        workers.add(worker);
        return worker;
    }

    /** Waits until {@code count} workers are registered, or fails naming the worker logs. */
    public void awaitWorkers(int count) {
        try (ZkCluster cluster = ZkCluster.connect(ZkClusterConfig.of(zookeeper.connectString()));
                ZkWorkerRegistry registry = cluster.workerRegistry()) {
            CountDownLatch enough = new CountDownLatch(1);
            registry.onChange(() -> {
                if (registry.liveWorkers().size() >= count) {
                    enough.countDown();
                }
            });
            registry.start();
            if (registry.liveWorkers().size() >= count) {
                return;
            }
            if (!enough.await(WORKERS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new SkeinException(ErrorCode.NO_WORKERS, "only " + registry.liveWorkers().size() + " of "
                        + count + " workers registered within " + WORKERS_TIMEOUT.toSeconds() + " s; see the logs in "
                        + workDir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkeinException(ErrorCode.CANCELLED, "interrupted while waiting for workers");
        }
    }

    /** {@code host:port} of every registered worker, as ZooKeeper has them. */
    public List<String> liveWorkerAddresses() {
        try (ZkCluster cluster = ZkCluster.connect(ZkClusterConfig.of(zookeeper.connectString()));
                ZkWorkerRegistry registry = cluster.workerRegistry().start()) {
            return registry.liveWorkers().stream().map(WorkerInfo::address).toList();
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    public String coordinatorUrl() {
        return "http://127.0.0.1:" + coordinator.httpPort();
    }

    /** {@code host:port} of the coordinator's Flight service (taps). */
    public String coordinatorFlightAddress() {
        return "127.0.0.1:" + coordinator.flightPort();
    }

    public String zookeeperConnectString() {
        return zookeeper.connectString();
    }

    public List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        try {
            AutoCloseables.close(resources);
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INTERNAL, "local cluster did not shut down cleanly", e);
        } finally {
            resources.clear();
        }
    }
}
