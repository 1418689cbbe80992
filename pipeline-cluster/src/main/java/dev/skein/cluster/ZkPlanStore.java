package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline plans and task statuses in ZooKeeper (layout in {@link ZkPaths}). Reads that decide
 * something go to ZooKeeper directly; listeners are fed from a {@link CuratorCache}.
 */
public final class ZkPlanStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZkPlanStore.class);

    private final CuratorFramework curator;
    private final ZkShutdown shutdown;
    private final CuratorCache cache;
    private volatile boolean closed;

    ZkPlanStore(CuratorFramework curator, ZkShutdown shutdown) {
        this.curator = curator;
        this.shutdown = shutdown;
        this.cache = CuratorCache.build(curator, ZkPaths.PIPELINES);
    }

    /** Starts the change feed; blocks until the current state is loaded. */
    public ZkPlanStore start() {
        ensurePath(ZkPaths.PIPELINES);
        ZkCaches.startAndAwaitInitialized(cache, "pipelines");
        return this;
    }

    /** Hands out the next epoch, strictly greater than any before it in this cluster. */
    public long nextEpoch() {
        checkConnected("the last epoch");
        ensurePath(ZkPaths.EPOCH);
        try {
            while (true) {
                Stat stat = new Stat();
                byte[] bytes = curator.getData().storingStatIn(stat).forPath(ZkPaths.EPOCH);
                long last = bytes.length == 0 ? 0 : Long.parseLong(new String(bytes, StandardCharsets.UTF_8));
                long next = last + 1;
                try {
                    curator.setData()
                            .withVersion(stat.getVersion())
                            .forPath(ZkPaths.EPOCH, Long.toString(next).getBytes(StandardCharsets.UTF_8));
                    return next;
                } catch (KeeperException.BadVersionException raced) {
                    // Another coordinator took this epoch first; read again and take the next.
                }
            }
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot allocate an epoch in ZooKeeper", e);
        }
    }

    /**
     * Stores a new plan, replacing a finished pipeline of the same name (and its task statuses).
     *
     * @throws SkeinException ALREADY_EXISTS if a pipeline of that name is still running
     */
    public void createPlan(PipelinePlan plan) {
        Optional<PipelinePlan> existing = plan(plan.pipeline());
        if (existing.isPresent() && !existing.get().state().isTerminal()) {
            throw new SkeinException(
                    ErrorCode.ALREADY_EXISTS,
                    "pipeline '" + plan.pipeline() + "' is already " + existing.get().state()
                            + "; cancel it first");
        }
        try {
            if (existing.isPresent()) {
                curator.delete().deletingChildrenIfNeeded().forPath(ZkPaths.pipeline(plan.pipeline()));
            }
            // The epoch's status directory first: a worker starts tasks when it sees the plan.
            curator.create().creatingParentContainersIfNeeded().forPath(ZkPaths.tasks(plan.pipeline(), plan.epoch()));
            curator.create().forPath(ZkPaths.plan(plan.pipeline()), RecordCodec.encode(plan));
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot store the plan of '" + plan.pipeline() + "'", e);
        }
    }

    /** Overwrites an existing plan (a state change); best effort once the node shuts down. */
    public void updatePlan(PipelinePlan plan) {
        checkMayWrite("the plan of '" + plan.pipeline() + "'");
        try {
            curator.setData().forPath(ZkPaths.plan(plan.pipeline()), RecordCodec.encode(plan));
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot update the plan of '" + plan.pipeline() + "'", e);
        }
    }

    /**
     * Replaces the plan of a pipeline that is being restarted with {@code next} (a new epoch),
     * only if the stored plan is still {@code current} (same epoch, state RESTARTING) and was not
     * changed meanwhile (a cancel wins). Task statuses of the old epoch are removed, and from
     * then on status writes of that epoch are refused.
     *
     * @return false if the stored plan moved on (cancelled, deleted, replaced)
     */
    public boolean restartPlan(PipelinePlan current, PipelinePlan next) {
        String pipeline = current.pipeline();
        try {
            Stat stat = new Stat();
            PipelinePlan stored = RecordCodec.decode(
                    curator.getData().storingStatIn(stat).forPath(ZkPaths.plan(pipeline)), PipelinePlan.class);
            if (stored.epoch() != current.epoch() || stored.state() != PipelineState.RESTARTING) {
                return false;
            }
            curator.create().forPath(ZkPaths.tasks(pipeline, next.epoch()));
            try {
                curator.setData().withVersion(stat.getVersion()).forPath(ZkPaths.plan(pipeline), RecordCodec.encode(next));
            } catch (KeeperException.BadVersionException raced) {
                curator.delete().deletingChildrenIfNeeded().forPath(ZkPaths.tasks(pipeline, next.epoch()));
                return false;
            }
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot store the restarted plan of '" + pipeline + "'", e);
        }
        try {
            curator.delete().deletingChildrenIfNeeded().forPath(ZkPaths.tasks(pipeline, current.epoch()));
        } catch (Exception e) {
            // Reads go by epoch, so leftover statuses of an old epoch are never seen; the next
            // submission of the pipeline removes them.
            log.warn("cannot remove the task statuses of epoch {} of '{}'", current.epoch(), pipeline, e);
        }
        return true;
    }

    /**
     * The stored plan, read from ZooKeeper now.
     *
     * @throws SkeinException EXTERNAL at once while ZooKeeper is unreachable (no waiting for it)
     */
    public Optional<PipelinePlan> plan(String pipeline) {
        checkConnected("the plan of '" + pipeline + "'");
        try {
            return Optional.of(RecordCodec.decode(
                    curator.getData().forPath(ZkPaths.plan(pipeline)), PipelinePlan.class));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot read the plan of '" + pipeline + "'", e);
        }
    }

    /** Every stored plan, ordered by name, as last seen by the change feed. */
    public List<PipelinePlan> plans() {
        return cache.stream()
                .filter(data -> data.getPath().endsWith("/plan") && data.getData() != null)
                .map(data -> RecordCodec.decode(data.getData(), PipelinePlan.class))
                .sorted(Comparator.comparing(PipelinePlan::pipeline))
                .toList();
    }

    /** Removes a pipeline and its task statuses. */
    public void deletePipeline(String pipeline) {
        try {
            curator.delete().deletingChildrenIfNeeded().forPath(ZkPaths.pipeline(pipeline));
        } catch (KeeperException.NoNodeException e) {
            // Already gone: deleting is idempotent.
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot delete pipeline '" + pipeline + "'", e);
        }
    }

    /**
     * Writes (creates or replaces) a task's status, only while the status's epoch is the plan's:
     * the coordinator removes an epoch's status directory when it places a new one, so a task of
     * an older epoch (a zombie) is refused. Once the node shuts down ({@link
     * ZkCluster#beginShutdown}) this is best effort: tried once, only while connected and within
     * the shutdown budget, and otherwise it fails at once (EXTERNAL) instead of waiting.
     *
     * @throws SkeinException STALE_EPOCH if the status's epoch is no longer the pipeline's
     */
    public void putTaskStatus(String pipeline, TaskStatus status) {
        checkMayWrite("the status of task " + status.key() + " of '" + pipeline + "'");
        String path = ZkPaths.task(pipeline, status.epoch(), status.key());
        byte[] bytes = RecordCodec.encode(status);
        try {
            try {
                curator.setData().forPath(path, bytes);
            } catch (KeeperException.NoNodeException absent) {
                // No parents created: a missing epoch directory is what fences a stale task.
                curator.create().forPath(path, bytes);
            }
        } catch (KeeperException.NoNodeException stale) {
            throw new SkeinException(ErrorCode.STALE_EPOCH, "refused the status of task " + status.key() + " of '"
                    + pipeline + "': epoch " + status.epoch() + " is no longer the pipeline's", stale);
        } catch (Exception e) {
            throw new SkeinException(
                    ErrorCode.EXTERNAL, "cannot report status of task " + status.key() + " of '" + pipeline + "'", e);
        }
    }

    /**
     * The task statuses of one epoch of a pipeline, read from ZooKeeper now, ordered by stage and
     * index.
     *
     * @throws SkeinException EXTERNAL at once while ZooKeeper is unreachable (no waiting for it)
     */
    public List<TaskStatus> taskStatuses(String pipeline, long epoch) {
        checkConnected("the task statuses of '" + pipeline + "'");
        List<TaskStatus> statuses = new ArrayList<>();
        try {
            for (String child : curator.getChildren().forPath(ZkPaths.tasks(pipeline, epoch))) {
                try {
                    byte[] bytes = curator.getData().forPath(ZkPaths.task(pipeline, epoch, child));
                    statuses.add(RecordCodec.decode(bytes, TaskStatus.class));
                } catch (KeeperException.NoNodeException deleted) {
                    // Deleted between listing and reading: the pipeline is being replaced.
                }
            }
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot read task statuses of '" + pipeline + "'", e);
        }
        statuses.sort(Comparator.comparingInt(TaskStatus::stage).thenComparingInt(TaskStatus::index));
        return List.copyOf(statuses);
    }

    /** Feeds plan and task-status changes to {@code listener} (on Curator's event thread). */
    public void addListener(PlanListener listener) {
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldData, data) -> dispatchChange(listener, data))
                .forDeletes(data -> dispatchDelete(listener, data))
                .build());
    }

    private static void dispatchChange(PlanListener listener, ChildData data) {
        String[] parts = data.getPath().split("/");
        // parts: "", "pipelines", name, ("plan" | "tasks", epoch, key)
        if (data.getData() == null || data.getData().length == 0) {
            return;
        }
        if (parts.length == 4 && parts[3].equals("plan")) {
            listener.planChanged(RecordCodec.decode(data.getData(), PipelinePlan.class));
        } else if (parts.length == 6 && parts[3].equals("tasks")) {
            listener.taskStatusChanged(parts[2], RecordCodec.decode(data.getData(), TaskStatus.class));
        }
    }

    private static void dispatchDelete(PlanListener listener, ChildData data) {
        String[] parts = data.getPath().split("/");
        if (parts.length == 4 && parts[3].equals("plan")) {
            listener.planDeleted(parts[2]);
        }
    }

    /**
     * Reads fail fast while disconnected: a REST call answers 503 at once instead of waiting out
     * Curator's retries, and the supervisor tries again at its next sweep.
     */
    private void checkConnected(String what) {
        if (!curator.getZookeeperClient().isConnected()) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot read " + what + ": ZooKeeper is unreachable");
        }
    }

    private void checkMayWrite(String what) {
        if (!shutdown.mayWrite(curator.getZookeeperClient().isConnected())) {
            throw new SkeinException(ErrorCode.EXTERNAL, "not writing " + what
                    + " to ZooKeeper: this node is shutting down and ZooKeeper is unreachable or the time for last writes is over");
        }
    }

    private void ensurePath(String path) {
        try {
            curator.create().creatingParentContainersIfNeeded().forPath(path, new byte[0]);
        } catch (KeeperException.NodeExistsException e) {
            // Another node created it first; that is all we wanted.
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot create " + path + " in ZooKeeper", e);
        }
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
