package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Comparator;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Worker membership: each worker holds an ephemeral znode; everyone else watches the set through
 * a {@link CuratorCache}. A worker whose session expires drops out by itself.
 */
public final class ZkWorkerRegistry implements AutoCloseable {
    private final CuratorFramework curator;
    private final CuratorCache cache;
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

    /** Registers this process as a live worker until the session or the process ends. */
    public void register(WorkerInfo worker) {
        try {
            curator.create()
                    .creatingParentContainersIfNeeded()
                    .withMode(CreateMode.EPHEMERAL)
                    .forPath(ZkPaths.worker(worker.id()), RecordCodec.encode(worker));
        } catch (KeeperException.NodeExistsException e) {
            throw new SkeinException(
                    ErrorCode.ALREADY_EXISTS, "a live worker with id '" + worker.id() + "' is already registered", e);
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot register worker '" + worker.id() + "'", e);
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
        cache.close();
    }
}
