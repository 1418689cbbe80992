package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline plans and task statuses in ZooKeeper (layout in {@link ZkPaths}). Reads that decide
 * something go to ZooKeeper directly; listeners are fed from a {@link CuratorCache}. Plan writes
 * are transactions that check the version of {@code /leader-epoch} this node's leader term wrote
 * ({@link LeaderFence}), so a deposed coordinator's writes fail (NOT_LEADER); task status writes
 * are fenced by their epoch instead.
 */
public final class ZkPlanStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZkPlanStore.class);

    private final CuratorFramework curator;
    private final ZkShutdown shutdown;
    private final LeaderFence fence;
    private final CuratorCache cache;
    private volatile boolean closed;

    ZkPlanStore(CuratorFramework curator, ZkShutdown shutdown, LeaderFence fence) {
        this.curator = curator;
        this.shutdown = shutdown;
        this.fence = fence;
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
     * Stores a new plan, replacing a finished pipeline of the same name (its task statuses go
     * with it). Fenced: fails with NOT_LEADER unless this node holds the current leader term.
     *
     * @throws SkeinException ALREADY_EXISTS if a pipeline of that name is still running
     */
    public void createPlan(PipelinePlan plan) {
        String pipeline = plan.pipeline();
        String what = "the plan of '" + pipeline + "'";
        int fenceVersion = fence.requireVersion(what);
        try {
            Stat stat = new Stat();
            Optional<PipelinePlan> existing = Optional.empty();
            try {
                existing = Optional.of(RecordCodec.decode(
                        curator.getData().storingStatIn(stat).forPath(ZkPaths.plan(pipeline)), PipelinePlan.class));
            } catch (KeeperException.NoNodeException absent) {
                // A new pipeline.
            }
            if (existing.isPresent() && !existing.get().state().isTerminal()) {
                throw new SkeinException(ErrorCode.ALREADY_EXISTS,
                        "pipeline '" + pipeline + "' is already " + existing.get().state() + "; cancel it first");
            }
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(fenceCheck(fenceVersion));
            if (curator.checkExists().forPath(ZkPaths.pipeline(pipeline)) == null) {
                ops.add(curator.transactionOp().create().forPath(ZkPaths.pipeline(pipeline)));
            }
            if (curator.checkExists().forPath(ZkPaths.tasks(pipeline)) == null) {
                ops.add(curator.transactionOp().create().forPath(ZkPaths.tasks(pipeline)));
            }
            // The epoch's status directory with the plan: a worker starts tasks when it sees the plan.
            ops.add(curator.transactionOp().create().forPath(ZkPaths.tasks(pipeline, plan.epoch())));
            ops.add(existing.isPresent()
                    ? curator.transactionOp().setData().withVersion(stat.getVersion())
                            .forPath(ZkPaths.plan(pipeline), RecordCodec.encode(plan))
                    : curator.transactionOp().create().forPath(ZkPaths.plan(pipeline), RecordCodec.encode(plan)));
            if (!commit(ops, what)) {
                throw new SkeinException(ErrorCode.ALREADY_EXISTS,
                        "pipeline '" + pipeline + "' was submitted again meanwhile; look at its state");
            }
            existing.ifPresent(replaced -> deleteStatuses(pipeline, replaced.epoch()));
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot store " + what, e);
        }
    }

    /**
     * Overwrites an existing plan (a state change); best effort once the node shuts down. Fenced:
     * fails with NOT_LEADER unless this node holds the current leader term.
     */
    public void updatePlan(PipelinePlan plan) {
        String what = "the plan of '" + plan.pipeline() + "'";
        checkMayWrite(what);
        int fenceVersion = fence.requireVersion(what);
        try {
            commit(List.of(fenceCheck(fenceVersion),
                    curator.transactionOp().setData().forPath(ZkPaths.plan(plan.pipeline()), RecordCodec.encode(plan))),
                    what);
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot update " + what, e);
        }
    }

    /**
     * Replaces the plan of a pipeline that is being restarted with {@code next} (a new epoch),
     * only if the stored plan is still {@code current} (same epoch, state RESTARTING) and was not
     * changed meanwhile (a cancel wins). The new epoch's status directory and the plan are one
     * transaction, fenced by the leader term. Task statuses of the old epoch are removed, and from
     * then on status writes of that epoch are refused.
     *
     * @return false if the stored plan moved on (cancelled, deleted, replaced)
     */
    public boolean restartPlan(PipelinePlan current, PipelinePlan next) {
        String pipeline = current.pipeline();
        String what = "the restarted plan of '" + pipeline + "'";
        int fenceVersion = fence.requireVersion(what);
        try {
            Stat stat = new Stat();
            PipelinePlan stored = RecordCodec.decode(
                    curator.getData().storingStatIn(stat).forPath(ZkPaths.plan(pipeline)), PipelinePlan.class);
            if (stored.epoch() != current.epoch() || stored.state() != PipelineState.RESTARTING) {
                return false;
            }
            if (!commit(List.of(fenceCheck(fenceVersion),
                    curator.transactionOp().create().forPath(ZkPaths.tasks(pipeline, next.epoch())),
                    curator.transactionOp().setData().withVersion(stat.getVersion())
                            .forPath(ZkPaths.plan(pipeline), RecordCodec.encode(next))), what)) {
                return false;
            }
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot store " + what, e);
        }
        deleteStatuses(pipeline, current.epoch());
        return true;
    }

    private void deleteStatuses(String pipeline, long epoch) {
        try {
            curator.delete().deletingChildrenIfNeeded().forPath(ZkPaths.tasks(pipeline, epoch));
        } catch (KeeperException.NoNodeException gone) {
            // Nothing left to remove.
        } catch (Exception e) {
            // Reads go by epoch, so leftover statuses of an old epoch are never seen; removing the
            // pipeline removes them.
            log.warn("cannot remove the task statuses of epoch {} of '{}'", epoch, pipeline, e);
        }
    }

    private CuratorOp fenceCheck(int version) throws Exception {
        return curator.transactionOp().check().withVersion(version).forPath(ZkPaths.LEADER_EPOCH);
    }

    /**
     * Runs {@code ops}, whose first is the fence check, as one transaction.
     *
     * @return false if a later operation found the data moved on (a version or existence check)
     * @throws SkeinException NOT_LEADER if the fence check failed: another coordinator took a newer term
     */
    private boolean commit(List<CuratorOp> ops, String what) throws Exception {
        try {
            curator.transaction().forOperations(ops);
            return true;
        } catch (KeeperException e) {
            List<OpResult> results = e.getResults();
            boolean fenced = results == null || results.isEmpty()
                    ? fenceMoved()
                    : results.get(0) instanceof OpResult.ErrorResult error && error.getErr() != 0;
            if (fenced) {
                fence.release();
                throw new SkeinException(ErrorCode.NOT_LEADER, "refused to write " + what
                        + ": this coordinator's leader term " + fence.term()
                        + " is over, another coordinator leads now", e);
            }
            if (e instanceof KeeperException.BadVersionException || e instanceof KeeperException.NodeExistsException
                    || e instanceof KeeperException.NoNodeException) {
                return false;
            }
            throw e;
        }
    }

    private boolean fenceMoved() {
        try {
            Stat stat = curator.checkExists().forPath(ZkPaths.LEADER_EPOCH);
            return stat == null || !fence.held() || stat.getVersion() != fence.requireVersion("a plan");
        } catch (Exception e) {
            return true;
        }
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

    /** A plan as last seen by the change feed (answers while ZooKeeper is unreachable). */
    public Optional<PipelinePlan> cachedPlan(String pipeline) {
        return cache.get(ZkPaths.plan(pipeline))
                .filter(data -> data.getData() != null && data.getData().length > 0)
                .map(data -> RecordCodec.decode(data.getData(), PipelinePlan.class));
    }

    /**
     * The task statuses of one epoch as last seen by the change feed, ordered by stage and index
     * (answers while ZooKeeper is unreachable).
     */
    public List<TaskStatus> cachedTaskStatuses(String pipeline, long epoch) {
        String prefix = ZkPaths.tasks(pipeline, epoch) + "/";
        return cache.stream()
                .filter(data -> data.getPath().startsWith(prefix) && data.getData() != null && data.getData().length > 0)
                .map(data -> RecordCodec.decode(data.getData(), TaskStatus.class))
                .sorted(Comparator.comparingInt(TaskStatus::stage).thenComparingInt(TaskStatus::index))
                .toList();
    }

    /** True while this node's ZooKeeper connection is up. */
    public boolean connected() {
        return curator.getZookeeperClient().isConnected();
    }

    /** Every stored plan, ordered by name, as last seen by the change feed. */
    public List<PipelinePlan> plans() {
        return cache.stream()
                .filter(data -> data.getPath().endsWith("/plan") && data.getData() != null)
                .map(data -> RecordCodec.decode(data.getData(), PipelinePlan.class))
                .sorted(Comparator.comparing(PipelinePlan::pipeline))
                .toList();
    }

    /**
     * Removes a pipeline and its task statuses, in one transaction fenced by the leader term.
     *
     * @throws SkeinException NOT_LEADER unless this node holds the current leader term
     */
    public void deletePipeline(String pipeline) {
        String what = "the removal of pipeline '" + pipeline + "'";
        int fenceVersion = fence.requireVersion(what);
        try {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(fenceCheck(fenceVersion));
            deleteOps(ZkPaths.pipeline(pipeline), ops);
            if (!commit(ops, what)) {
                throw new SkeinException(ErrorCode.EXTERNAL,
                        "pipeline '" + pipeline + "' changed while it was being removed; removing it again later");
            }
        } catch (KeeperException.NoNodeException e) {
            // Already gone: deleting is idempotent.
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot delete pipeline '" + pipeline + "'", e);
        }
    }

    /** Deletes of {@code path} and everything under it, children first. */
    private void deleteOps(String path, List<CuratorOp> ops) throws Exception {
        for (String child : curator.getChildren().forPath(path)) {
            deleteOps(path + "/" + child, ops);
        }
        ops.add(curator.transactionOp().delete().forPath(path));
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
