package dev.skein.cli.local;

import dev.skein.cli.client.ClientCredentials;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.coordinator.CoordinatorConfig;
import dev.skein.coordinator.CoordinatorNode;
import dev.skein.spec.DataRoots;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.util.AutoCloseables;

/**
 * Skein on one machine: an embedded ZooKeeper and a coordinator in this JVM, and N worker
 * processes on loopback. What {@code skein demo}, {@code skein run} and the integration tests use.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Duration WORKERS_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration WORKERS_STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LEADERSHIP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Where pipelines of a cluster started without data roots may read and write: the temporary
     * directory, where tests keep their files. {@code skein run} and {@code demo} name theirs.
     */
    private static final DataRoots TEST_DATA_ROOTS =
            DataRoots.of(List.of(Path.of(System.getProperty("java.io.tmpdir"))));

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    // Read by the shutdown hook's thread while the starting thread may still add workers.
    private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();
    // Ctrl-C or SIGTERM of skein run/demo skips close(): this hook ends the worker processes then.
    private final Thread stopWorkersOnExit = new Thread(this::stopWorkers, "skein-local-stop-workers");
    private final Path workDir;
    private final Optional<Path> pluginsDirectory;
    private final DataRoots dataRoots;
    private EmbeddedZooKeeper zookeeper;
    private CoordinatorNode coordinator;
    private Optional<LocalLogin> login = Optional.empty();

    private LocalCluster(Path workDir, Optional<Path> pluginsDirectory, DataRoots dataRoots) {
        this.workDir = workDir;
        this.pluginsDirectory = pluginsDirectory;
        this.dataRoots = dataRoots;
    }

    /**
     * A cluster whose Java transforms come from this JVM's class path (which the worker processes
     * share).
     *
     * @param workers number of worker processes
     * @param workerHeap each worker's heap, e.g. {@code 1g}
     * @param duckdbThreads DuckDB threads per worker
     */
    public static LocalCluster start(int workers, String workerHeap, int duckdbThreads) {
        return start(workers, workerHeap, duckdbThreads, Optional.empty());
    }

    /**
     * @param workers number of worker processes
     * @param workerHeap each worker's heap, e.g. {@code 1g}
     * @param duckdbThreads DuckDB threads per worker
     * @param pluginsDirectory jars of Java transforms, given to the coordinator and every worker
     */
    public static LocalCluster start(
            int workers, String workerHeap, int duckdbThreads, Optional<Path> pluginsDirectory) {
        return start(workers, workerHeap, duckdbThreads, pluginsDirectory, false);
    }

    /**
     * @param workers number of worker processes
     * @param workerHeap each worker's heap, e.g. {@code 1g}
     * @param duckdbThreads DuckDB threads per worker
     * @param pluginsDirectory jars of Java transforms, given to the coordinator and every worker
     * @param auth whether every node authenticates every call, with a secret and a user the
     *     cluster makes for itself (see {@link #login()})
     */
    public static LocalCluster start(
            int workers, String workerHeap, int duckdbThreads, Optional<Path> pluginsDirectory, boolean auth) {
        return start(workers, workerHeap, duckdbThreads, pluginsDirectory, auth, TEST_DATA_ROOTS);
    }

    /**
     * @param workers number of worker processes
     * @param workerHeap each worker's heap, e.g. {@code 1g}
     * @param duckdbThreads DuckDB threads per worker
     * @param pluginsDirectory jars of Java transforms, given to the coordinator and every worker
     * @param auth whether every node authenticates every call (see {@link #login()})
     * @param dataRoots where pipelines may read and write files, for the coordinator and every
     *     worker
     */
    public static LocalCluster start(
            int workers,
            String workerHeap,
            int duckdbThreads,
            Optional<Path> pluginsDirectory,
            boolean auth,
            DataRoots dataRoots) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("skein-local-");
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot create a work directory: " + e.getMessage(), e);
        }
        LocalCluster cluster =
                new LocalCluster(workDir, pluginsDirectory.map(directory -> directory.toAbsolutePath().normalize()),
                        dataRoots);
        Runtime.getRuntime().addShutdownHook(cluster.stopWorkersOnExit);
        try {
            cluster.startAll(workers, workerHeap, duckdbThreads, auth);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void startAll(int workerCount, String workerHeap, int duckdbThreads, boolean auth) {
        if (auth) {
            login = Optional.of(LocalLogin.create(workDir));
        }
        zookeeper = own(EmbeddedZooKeeper.start("127.0.0.1", 0, workDir.resolve("zookeeper")));
        ZkClusterConfig zk = ZkClusterConfig.of(zookeeper.connectString());
        coordinator = own(CoordinatorNode.start(
                new CoordinatorConfig("coordinator", "127.0.0.1", 0, 0, zk, pluginsDirectory, dataRoots),
                login.map(LocalLogin::authConfig).orElseGet(AuthConfig::open)));
        if (!coordinator.awaitLeadership(LEADERSHIP_TIMEOUT)) {
            throw new SkeinException(ErrorCode.EXTERNAL, "the local coordinator did not become leader within "
                    + LEADERSHIP_TIMEOUT.toSeconds() + " s");
        }
        for (int i = 1; i <= workerCount; i++) {
            addWorker("worker-" + i, workerHeap, duckdbThreads);
        }
        awaitWorkers(workerCount);
    }

    /** Starts one more worker process (it registers by itself). */
    public WorkerProcess addWorker(String id, String heap, int duckdbThreads) {
        List<String> args = new ArrayList<>(List.of(
                "--zookeeper", zookeeper.connectString(),
                "--bind", "127.0.0.1",
                "--advertise-host", "127.0.0.1",
                "--port", "0",
                "--duckdb-threads", Integer.toString(duckdbThreads)));
        pluginsDirectory.ifPresent(directory -> args.addAll(List.of("--plugins", directory.toString())));
        dataRoots.directories().forEach(directory -> args.addAll(List.of("--data-dir", directory.toString())));
        login.ifPresent(local -> args.addAll(local.workerArgs()));
        WorkerProcess worker = own(WorkerProcess.start(id, workDir, heap, args));
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

    /** {@code host:port} of the registered workers with these ids. */
    public List<String> liveWorkerAddresses(java.util.Set<String> ids) {
        try (ZkCluster cluster = ZkCluster.connect(ZkClusterConfig.of(zookeeper.connectString()));
                ZkWorkerRegistry registry = cluster.workerRegistry().start()) {
            return registry.liveWorkers().stream()
                    .filter(worker -> ids.contains(worker.id()))
                    .map(WorkerInfo::address)
                    .toList();
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    public String coordinatorUrl() {
        return "http://127.0.0.1:" + coordinator.httpPort();
    }

    /** The user and secret of a cluster started with authentication. */
    public Optional<LocalLogin> login() {
        return login;
    }

    /** A REST client of the coordinator, logged in if the cluster authenticates. */
    public CoordinatorClient coordinatorClient() {
        return new CoordinatorClient(coordinatorUrl(), login.map(LocalLogin::credentials).orElseGet(ClientCredentials::none));
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

    /** Where this cluster's pipelines may read and write files. */
    public DataRoots dataRoots() {
        return dataRoots;
    }

    public Path workDir() {
        return workDir;
    }

    /** Asks every worker process to stop, waits a little for all of them, then kills the rest. */
    private void stopWorkers() {
        workers.forEach(WorkerProcess::terminate);
        long deadline = System.nanoTime() + WORKERS_STOP_TIMEOUT.toNanos();
        try {
            for (WorkerProcess worker : workers) {
                worker.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            workers.forEach(WorkerProcess::kill);
        }
    }

    @Override
    public synchronized void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopWorkersOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting: the hook itself ends the workers.
        }
        try {
            AutoCloseables.close(resources);
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INTERNAL, "local cluster did not shut down cleanly", e);
        } finally {
            resources.clear();
        }
    }
}
