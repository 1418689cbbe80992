package dev.skein.worker.task;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PlanListener;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.TaskState;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecLimits;
import dev.skein.spec.SpecParser;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.exchange.ExchangeCommand;
import dev.skein.worker.exchange.FlightClientPool;
import dev.skein.worker.exchange.LocalChannel;
import dev.skein.worker.exchange.OutboundStream;
import dev.skein.worker.exchange.OutputChannel;
import dev.skein.worker.exchange.TaskAddress;
import dev.skein.worker.sink.TableLeftovers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks of this worker: starts them when a plan assigns them here, commits or stops them as
 * the plan's state moves, and lets incoming exchanges find their task. Plan changes are applied
 * one at a time on a dedicated thread (never on Curator's event thread). Thread-safe.
 */
public final class WorkerTasks implements PlanListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerTasks.class);

    /** How long a sender waits for a co-located receiving task to be started by its plan. */
    private static final Duration LOCAL_TASK_TIMEOUT = Duration.ofSeconds(30);

    private final String workerId;
    private final BufferAllocator allocator;
    private final DuckDbDatabase database;
    private final FlightClientPool clients;
    private final TransformLoader transforms;
    private final TableStore tables;
    private final TableLeftovers leftovers;
    private final TaskEvents events;
    private final DataPlaneCapabilities capabilities;
    private final Map<TaskKey, CompletableFuture<Task>> tasks = new ConcurrentHashMap<>();
    private final Map<String, Long> latestEpoch = new ConcurrentHashMap<>();
    private final ExecutorService planThread = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "plans"));
    private final ExecutorService taskThreads = Executors.newCachedThreadPool(runnable -> daemon(runnable, "task"));
    /** Fires stages' timeouts; a timeout of a task that already ended does nothing. */
    private final ScheduledExecutorService timeouts =
            Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "stage-timeouts"));

    public WorkerTasks(
            String workerId, BufferAllocator allocator, DuckDbDatabase database, FlightClientPool clients,
            TransformLoader transforms, TableStore tables, TaskEvents events, DataPlaneCapabilities capabilities) {
        this.workerId = workerId;
        this.capabilities = capabilities;
        this.tables = tables;
        this.leftovers = TableLeftovers.open(tables, allocator);
        this.allocator = allocator;
        this.database = database;
        this.clients = clients;
        this.transforms = transforms;
        this.events = events;
    }

    @Override
    public void planChanged(PipelinePlan plan) {
        planThread.execute(() -> {
            try {
                apply(plan);
            } catch (RuntimeException e) {
                log.error("cannot apply plan of '{}' epoch {}", plan.pipeline(), plan.epoch(), e);
            }
        });
    }

    @Override
    public void planDeleted(String pipeline) {
        planThread.execute(() -> stopPipeline(pipeline, Long.MAX_VALUE));
    }

    private void apply(PipelinePlan plan) {
        leftovers.settle(plan);
        latestEpoch.merge(plan.pipeline(), plan.epoch(), Math::max);
        stopPipeline(plan.pipeline(), plan.epoch());
        switch (plan.state()) {
            case RUNNING -> start(plan);
            case DRAINING -> {
                start(plan);
                for (Task task : tasks()) {
                    if (task.wiring().key().pipeline().equals(plan.pipeline())
                            && task.wiring().key().epoch() == plan.epoch()) {
                        task.finishIngest();
                    }
                }
            }
            case COMMITTING -> forEachTask(plan, Task::commit, TaskState.FINISHED);
            case SUCCEEDED -> {
                forEachTask(plan, Task::release, TaskState.COMMITTED);
                forget(plan.pipeline(), Long.MAX_VALUE);
            }
            case FAILED, CANCELLED, RESTARTING -> {
                // A stage commits all or nothing: a task that committed puts the previous output back.
                forEachTask(plan, Task::abort, TaskState.COMMITTED);
                stopPipeline(plan.pipeline(), Long.MAX_VALUE);
            }
        }
    }

    private void start(PipelinePlan plan) {
        List<TaskPlacement> mine = plan.tasks().stream()
                .filter(task -> task.workerId().equals(workerId))
                .toList();
        if (mine.isEmpty()) {
            return;
        }
        // The worker checks every path against its own data roots again; the coordinator's limits
        // (parallelism, stages) were applied at submit and are not second-guessed here.
        PipelineSpec spec = SpecParser.parse(
                plan.specFile(), plan.specYaml(), Path.of(plan.baseDir()), database.dataRoots(), SpecLimits.NONE);
        for (TaskPlacement placement : mine) {
            TaskWiring wiring = TaskWiring.of(plan, spec, placement);
            CompletableFuture<Task> slot = slot(wiring.key());
            if (slot.isDone()) {
                continue;
            }
            Task task = new Task(wiring, allocator, database, tables, this::openChannel, transforms, events);
            slot.complete(task);
            wiring.timeout().ifPresent(limit -> timeouts.schedule(
                    () -> task.timeOut(describe(limit)), limit.toMillis(), TimeUnit.MILLISECONDS));
            taskThreads.execute(task);
        }
    }

    /**
     * The channel from a task of this worker to {@code target}: straight into the receiver's inbox
     * when the plan put both tasks here, over Flight otherwise.
     */
    private OutputChannel openChannel(
            TaskAddress target,
            int from,
            Schema schema,
            BufferAllocator sender,
            String token,
            BooleanSupplier cancelled) {
        if (target.workerId().equals(workerId)) {
            Task receiver = awaitTask(target.key(), LOCAL_TASK_TIMEOUT);
            return LocalChannel.open(receiver.inbox().orElseThrow(() -> new SkeinException(ErrorCode.INTERNAL,
                    "task " + target.key() + " is a source and takes no input")), sender, from, schema, target);
        }
        return OutboundStream.open(clients.client(target.host(), target.port()), sender,
                ExchangeCommand.of(target.key(), from,
                        capabilities.issue(token, DataPlaneCapabilities.Kind.EXCHANGE, target.key(), from)), schema, target.toString(), cancelled);
    }

    private void forEachTask(PipelinePlan plan, Consumer<Task> action, TaskState inState) {
        for (CompletableFuture<Task> slot : tasks.values()) {
            Task task = slot.getNow(null);
            if (task != null
                    && task.wiring().key().pipeline().equals(plan.pipeline())
                    && task.wiring().key().epoch() == plan.epoch()
                    && task.state() == inState) {
                action.accept(task);
            }
        }
    }

    /** Cancels (or aborts, if finished) the pipeline's tasks of epochs before {@code belowEpoch}. */
    private void stopPipeline(String pipeline, long belowEpoch) {
        for (CompletableFuture<Task> slot : tasks.values()) {
            Task task = slot.getNow(null);
            if (task == null
                    || !task.wiring().key().pipeline().equals(pipeline)
                    || task.wiring().key().epoch() >= belowEpoch) {
                continue;
            }
            if (task.state() == TaskState.FINISHED) {
                task.abort();
            } else if (task.state() == TaskState.COMMITTED) {
                // Its run ended before this one was placed; had it failed, its own end (above)
                // undid the commit. A coalesced change may hide that end: keep the output.
                task.release();
            } else if (!task.state().isTerminal()) {
                task.cancel();
            }
        }
        forget(pipeline, belowEpoch);
    }

    private void forget(String pipeline, long belowEpoch) {
        tasks.entrySet().removeIf(entry -> {
            TaskKey key = entry.getKey();
            if (!key.pipeline().equals(pipeline) || key.epoch() >= belowEpoch) {
                return false;
            }
            entry.getValue().completeExceptionally(
                    new SkeinException(ErrorCode.CANCELLED, "task " + key + " is no longer running"));
            return true;
        });
    }

    private CompletableFuture<Task> slot(TaskKey key) {
        return tasks.computeIfAbsent(key, ignored -> new CompletableFuture<>());
    }

    /**
     * The task an incoming exchange is for, waiting up to {@code timeout} for its plan to arrive.
     *
     * @throws SkeinException STALE_EPOCH for an epoch older than this worker's latest plan,
     *     NOT_FOUND when the task does not show up in time
     */
    public Task awaitTask(TaskKey key, Duration timeout) {
        long latest = latestEpoch.getOrDefault(key.pipeline(), 0L);
        if (key.epoch() < latest) {
            throw new SkeinException(ErrorCode.STALE_EPOCH,
                    "task " + key + " belongs to epoch " + key.epoch() + " but pipeline '" + key.pipeline()
                            + "' is at epoch " + latest);
        }
        try {
            return slot(key).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            tasks.remove(key, tasks.get(key));
            throw new SkeinException(ErrorCode.NOT_FOUND, "task " + key + " is not planned on worker '" + workerId + "'");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SkeinException skein
                    ? skein
                    : new SkeinException(ErrorCode.INTERNAL, "task " + key + " failed to start", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkeinException(ErrorCode.CANCELLED, "interrupted while waiting for task " + key);
        }
    }

    /** What the data-plane calls into this worker's tasks must present, and how they are checked. */
    public DataPlaneCapabilities capabilities() {
        return capabilities;
    }

    /** The tasks currently known, for status reports and health checks. */
    public List<Task> tasks() {
        return tasks.values().stream().map(slot -> slot.getNow(null)).filter(task -> task != null).toList();
    }

    /** {@code 30s}, {@code 2m}, {@code 1500ms}: a timeout as the spec writes it. */
    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() throws InterruptedException {
        planThread.shutdownNow();
        timeouts.shutdownNow();
        tasks().forEach(Task::cancel);
        taskThreads.shutdown();
        if (!taskThreads.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("tasks still running 10 s after shutdown was asked: {}", tasks());
        }
        for (Task task : tasks()) {
            task.abort();
        }
        tasks.clear();
    }
}
