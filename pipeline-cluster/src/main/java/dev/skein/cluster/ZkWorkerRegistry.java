package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker membership: each worker holds an ephemeral znode; everyone else watches the set through
 * a {@link CuratorCache}. A worker whose session expires drops out by itself, and comes back by
 * itself: the node is a Curator {@link PersistentNode}, which creates it again on every new
 * session (a paused worker, a ZooKeeper restart longer than the session timeout). Thread-safe.
 *
 * <p>After a ZooKeeper restart the node of the worker's expired session is still there: the
 * server reloads every session it had and expires the dead ones only one session timeout after it
 * is back. Until then {@code PersistentNode} finds the path taken and waits. So on every new
 * connection the worker removes a node that holds its own registration (the same {@link
 * WorkerInfo}, start time and port included) under another session, and registers again within a
 * round trip instead of a session timeout.
 */
public final class ZkWorkerRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZkWorkerRegistry.class);
    private static final int REGISTER_TIMEOUT_SECONDS = 15;

    private final CuratorFramework curator;
    private final CuratorCache cache;
    private final AtomicReference<PersistentNode> registration = new AtomicReference<>();
    /** Removes the node of an expired session of this worker; off Curator's event thread. */
    private final ExecutorService stale = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "worker-registration");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<ConnectionStateListener> reconnects = new AtomicReference<>();
    private volatile boolean closed;

    ZkWorkerRegistry(CuratorFramework curator) {
        this.curator = curator;
        this.cache = CuratorCache.build(curator, ZkPaths.WORKERS);
    }

    /** Starts watching membership; blocks until the current members are loaded. */
    public ZkWorkerRegistry start() {
        ZkCaches.startAndAwaitInitialized(cache, "workers");
        return this;
    }

    /**
     * Registers this process as a live worker until {@link #close()} or the process ends; the
     * registration is renewed whenever the session is (an expired session loses it only until
     * the next one).
     *
     * @throws SkeinException ALREADY_EXISTS if another live session holds this worker id,
     *     EXTERNAL if ZooKeeper does not confirm the registration within 15 s
     */
    public void register(WorkerInfo worker) {
        String path = ZkPaths.worker(worker.id());
        try {
            Stat existing = curator.checkExists().forPath(path);
            if (existing != null
                    && existing.getEphemeralOwner() != curator.getZookeeperClient().getZooKeeper().getSessionId()) {
                throw new SkeinException(ErrorCode.ALREADY_EXISTS,
                        "a live worker with id '" + worker.id() + "' is already registered");
            }
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot register worker '" + worker.id() + "'", e);
        }
        PersistentNode node = new PersistentNode(curator, CreateMode.EPHEMERAL, false, path, RecordCodec.encode(worker));
        if (!registration.compareAndSet(null, node)) {
            throw new IllegalStateException("worker '" + worker.id() + "' is already registered by this registry");
        }
        node.start();
        try {
            if (!node.waitForInitialCreate(REGISTER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SkeinException(ErrorCode.EXTERNAL, "cannot register worker '" + worker.id()
                        + "': ZooKeeper did not confirm within " + REGISTER_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkeinException(ErrorCode.EXTERNAL, "interrupted while registering worker '" + worker.id() + "'", e);
        }
        node.getListenable().addListener(created -> log.info("worker '{}' registered at {}", worker.id(), created));
        ConnectionStateListener listener = (client, state) -> {
            if (state == ConnectionState.RECONNECTED && !closed) {
                stale.execute(() -> removeStaleRegistration(path, worker));
            }
        };
        reconnects.set(listener);
        curator.getConnectionStateListenable().addListener(listener);
    }

    /** Deletes the node at {@code path} if it is this worker's registration held by another (dead) session. */
    private void removeStaleRegistration(String path, WorkerInfo worker) {
        try {
            for (int attempt = 0; attempt < 5 && !closed; attempt++) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = curator.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    return;
                }
                long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
                if (stat.getEphemeralOwner() == session || !worker.equals(RecordCodec.decode(data, WorkerInfo.class))) {
                    // Ours already, or another process's: a live duplicate is refused at its start.
                    return;
                }
                try {
                    curator.delete().withVersion(stat.getVersion()).forPath(path);
                    log.info("worker '{}' removed its registration of an expired session (0x{}); registering again",
                            worker.id(), Long.toHexString(stat.getEphemeralOwner()));
                    return;
                } catch (KeeperException.BadVersionException | KeeperException.NoNodeException moved) {
                    // PersistentNode wrote to it meanwhile, or it expired: look again.
                }
            }
        } catch (Exception e) {
            // The node of the expired session goes by itself one session timeout later.
            log.warn("worker '{}' cannot remove its registration of an expired session", worker.id(), e);
        }
    }

    /** The live workers, ordered by id. */
    public List<WorkerInfo> liveWorkers() {
        return cache.stream()
                .filter(data -> !data.getPath().equals(ZkPaths.WORKERS) && data.getData() != null)
                .map(data -> RecordCodec.decode(data.getData(), WorkerInfo.class))
                .sorted(Comparator.comparing(WorkerInfo::id))
                .toList();
    }

    /** Calls {@code onChange} (on Curator's event thread) whenever a worker joins or leaves. */
    public void onChange(Runnable onChange) {
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> onChange.run())
                .build());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ConnectionStateListener listener = reconnects.getAndSet(null);
        if (listener != null) {
            curator.getConnectionStateListenable().removeListener(listener);
        }
        stale.shutdownNow();
        PersistentNode node = registration.getAndSet(null);
        if (node != null) {
            try {
                node.close();
            } catch (Exception e) {
                // The node is ephemeral: it goes with the session even when this delete fails.
                log.warn("cannot remove the worker registration {}", node.getActualPath(), e);
            }
        }
        cache.close();
    }
}
