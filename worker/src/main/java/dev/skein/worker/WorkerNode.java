package dev.skein.worker;

import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.cluster.flight.ClusterCredentials;
import dev.skein.cluster.flight.SignedTokenAuthenticator;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.SpillDirectory;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.exchange.FlightClientPool;
import dev.skein.worker.flight.IpcHeaderGuard;
import dev.skein.worker.flight.WorkerFlightProducer;
import dev.skein.worker.metrics.MetricsServer;
import dev.skein.worker.task.StatusReporter;
import dev.skein.worker.task.TaskEvents;
import dev.skein.worker.task.WorkerTasks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.List;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: Flight server, DuckDB, tasks, and its membership in ZooKeeper. Registers only
 * once it can serve, so the coordinator never places work on a half-started node.
 */
public final class WorkerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);
    private static final Duration LAST_WRITES_BUDGET = Duration.ofSeconds(2);
    private static final long STATUS_INTERVAL_MILLIS = 500;
    /**
     * Largest Flight message a worker takes: one record batch (64k rows of a few hundred bytes each
     * fit many times over); Arrow's default is unlimited, so one message could exhaust the heap.
     */
    private static final int MAX_FLIGHT_MESSAGE_BYTES = 128 << 20;

    private final WorkerConfig config;
    private final AuthConfig auth;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private volatile ZkCluster cluster;
    private FlightServer server;
    private volatile WorkerTasks tasks;
    private MetricsServer metrics;
    private volatile boolean closed;

    private WorkerNode(WorkerConfig config, AuthConfig auth) {
        this.config = config;
        this.auth = auth;
    }

    /** Starts a worker open to anyone who reaches its port (it warns so). */
    public static WorkerNode start(WorkerConfig config) {
        return start(config, AuthConfig.open());
    }

    /**
     * Starts a worker whose Flight calls are authenticated as {@code auth} says, and whose calls to
     * other workers carry its cluster credentials; on failure everything started so far is closed
     * again.
     */
    public static WorkerNode start(WorkerConfig config, AuthConfig auth) {
        WorkerNode node = new WorkerNode(config, auth);
        try {
            node.startAll();
        } catch (RuntimeException | IOException e) {
            node.close();
            throw e instanceof SkeinException skein
                    ? skein
                    : new SkeinException(ErrorCode.EXTERNAL, "cannot start worker '" + config.id() + "': " + e.getMessage(), e);
        }
        return node;
    }

    private void startAll() throws IOException {
        BufferAllocator allocator = own(new RootAllocator());
        SpillDirectory spill = own(SpillDirectory.prepare(config.id()));
        DuckDbDatabase database = own(DuckDbDatabase.open(config.duckdbThreads(), config.duckdbMemoryLimit(),
                config.dataRoots(), Optional.of(spill.path())));
        FlightClientPool clients = own(new FlightClientPool(allocator, ClusterCredentials.of(auth, config.id())));
        TransformLoader transforms = own(TransformLoader.of(config.pluginsDirectory()));
        if (!transforms.jars().isEmpty()) {
            log.info("worker '{}' loads Java transforms from {} plugin jars in {}", config.id(),
                    transforms.jars().size(), transforms.pluginsDirectory().orElseThrow());
        }
        cluster = own(ZkCluster.connect(config.zookeeper()));
        ZkPlanStore plans = own(cluster.planStore());
        StatusReporter reporter = own(new StatusReporter(config.id(), plans));
        TableStore tables = own(TableStore.open(config.tableDatabase(), config.duckdbThreads(), config.duckdbMemoryLimit()));
        metrics = own(MetricsServer.start(config.id(), config.bindHost(), config.metricsPort(), allocator,
                () -> tasks == null ? List.of() : tasks.tasks()));
        MetricsServer meters = metrics;
        TaskEvents events = (task, state, error, preview) -> {
            meters.track(task);
            reporter.stateChanged(task, state, error, preview);
        };
        tasks = own(new WorkerTasks(config.id(), allocator, database, clients, transforms, tables, events,
                DataPlaneCapabilities.of(auth)));
        server = own(IpcHeaderGuard.installedOn(FlightServer.builder(
                        allocator,
                        Location.forGrpcInsecure(config.bindHost(), config.port()),
                        own(new WorkerFlightProducer(config.id(), tasks, allocator, tables, config.allowSql(),
                                config.allowSqlWrites()))))
                .headerAuthenticator(SignedTokenAuthenticator.of(auth))
                .maxInboundMessageSize(MAX_FLIGHT_MESSAGE_BYTES)
                .build());
        server.start();
        plans.addListener(tasks);
        plans.start();
        reporter.start(tasks::tasks, STATUS_INTERVAL_MILLIS);
        ZkWorkerRegistry registry = own(cluster.workerRegistry());
        registry.register(new WorkerInfo(config.id(), config.advertiseHost(), server.getPort(),
                Runtime.getRuntime().availableProcessors(), System.currentTimeMillis(), metrics.port()));
        if (!auth.enabled()) {
            log.warn("worker '{}' runs WITHOUT authentication: anyone who reaches port {} can read and write its data;"
                    + " start it with --auth (see README, Authentication)", config.id(), server.getPort());
        }
        log.info("worker '{}' lets pipelines read and write files in: {}", config.id(), config.dataRoots().describe());
        log.info("worker '{}' serving Flight on {}:{} (advertised {}:{}), metrics on http://{}:{}/metrics", config.id(),
                config.bindHost(), server.getPort(), config.advertiseHost(), server.getPort(), config.advertiseHost(),
                metrics.port());
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /** The Flight port actually bound (useful with port 0). */
    public int port() {
        return server.getPort();
    }

    /** The port of {@code /metrics} actually bound. */
    public int metricsPort() {
        return metrics.port();
    }

    public String id() {
        return config.id();
    }

    /** Blocks until the server shuts down. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ZkCluster zk = cluster;
        if (zk != null) {
            // Last status writes are best effort: with ZooKeeper gone, Curator's retries would
            // keep the process from stopping for minutes.
            zk.beginShutdown(LAST_WRITES_BUDGET);
        }
        try {
            // Reverse order of creation: leave the cluster first, free memory last.
            AutoCloseables.close(resources);
        } catch (Exception e) {
            log.warn("worker '{}' did not shut down cleanly", config.id(), e);
        }
        resources.clear();
    }
}
