package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker membership: each worker holds an ephemeral znode; everyone else watches the set through
 * a {@link CuratorCache}. A worker whose session expires drops out by itself, and comes back by
 * itself: the node is a Curator {@link PersistentNode}, which creates it again on every new
 * session (a paused worker, a ZooKeeper restart longer than the session timeout). Thread-safe.
 */
public final class ZkWorkerRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZkWorkerRegistry.class);
    private static final int REGISTER_TIMEOUT_SECONDS = 15;

    private final CuratorFramework curator;
    private final CuratorCache cache;
    private final AtomicReference<PersistentNode> registration = new AtomicReference<>();
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
