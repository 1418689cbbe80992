package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;

/**
 * A node's connection to the cluster state in ZooKeeper. Owns the Curator client and hands out
 * the recipes built on it; {@link #close()} closes them in reverse order.
 */
public final class ZkCluster implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_SECONDS = 15;
    /** How long one operation waits for a lost connection before Curator's retry policy decides. */
    private static final long OPERATION_CONNECT_WAIT_MILLIS = 3_000;

    private final ZkClusterConfig config;
    private final ZkShutdown shutdown = new ZkShutdown();
    /** Shared by this node's leadership and plan store: plan writes check the term it holds. */
    private final LeaderFence fence = new LeaderFence();
    private final CuratorFramework curator;
    private volatile boolean closed;

    private ZkCluster(ZkClusterConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.curator = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                // Also bounds how long an operation that is under way when shutdown begins can wait.
                .connectionTimeoutMs((int) Math.min(config.sessionTimeout().toMillis(), OPERATION_CONNECT_WAIT_MILLIS))
                .namespace(config.namespace())
                .retryPolicy(shutdown)
                .build();
    }

    /** Connects, waiting up to 15 s, or fails with a message naming the connect string. */
    public static ZkCluster connect(ZkClusterConfig config) {
        ZkCluster cluster = new ZkCluster(config);
        cluster.curator.start();
        try {
            if (!cluster.curator.blockUntilConnected(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                cluster.close();
                throw new SkeinException(
                        ErrorCode.EXTERNAL,
                        "cannot reach ZooKeeper at '" + config.connectString() + "' within "
                                + CONNECT_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.close();
            throw new SkeinException(ErrorCode.EXTERNAL, "interrupted while connecting to ZooKeeper", e);
        }
        return cluster;
    }

    public ZkClusterConfig config() {
        return config;
    }

    /** The Curator client, for tests of this package that expire sessions. */
    CuratorFramework curator() {
        return curator;
    }

    /** The leader term this node holds, for tests of this package. */
    LeaderFence fence() {
        return fence;
    }

    /** Worker membership; the caller closes it. */
    public ZkWorkerRegistry workerRegistry() {
        return new ZkWorkerRegistry(curator);
    }

    /**
     * Plans and task statuses; the caller closes it. Plan writes succeed only while this node
     * leads (see {@link #leadership}).
     */
    public ZkPlanStore planStore() {
        return new ZkPlanStore(curator, shutdown, fence);
    }

    /** Coordinator leadership; the caller closes it. */
    public ZkLeadership leadership(String participantId) {
        return new ZkLeadership(curator, fence, participantId);
    }

    /**
     * Starts shutting down: from now on no ZooKeeper operation is retried, and status writes are
     * best effort, tried only while connected and within {@code budget} of this call. Call it
     * before closing what still writes (tasks, supervisors), so their last writes cannot hang
     * the node when ZooKeeper is gone.
     */
    public void beginShutdown(Duration budget) {
        shutdown.begin(budget);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdown.begin(Duration.ZERO);
        curator.close();
    }
}
