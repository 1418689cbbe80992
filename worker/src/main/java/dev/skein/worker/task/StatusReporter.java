package dev.skein.worker.task;

import dev.skein.cluster.TaskKey;
import dev.skein.cluster.ResultPreview;
import dev.skein.cluster.TaskState;
import dev.skein.cluster.TaskStatus;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.exchange.TaskInbox;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes task statuses to ZooKeeper: at once on every state change, and every {@code interval}
 * for running tasks whose counters moved (that is the progress users see). Thread-safe.
 */
public final class StatusReporter implements TaskEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);

    private final String workerId;
    private final ZkPlanStore plans;
    private final Map<TaskKey, Long> reportedProgress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "status-reporter");
        thread.setDaemon(true);
        return thread;
    });

    public StatusReporter(String workerId, ZkPlanStore plans) {
        this.workerId = workerId;
        this.plans = plans;
    }

    /** Starts the periodic progress reports of the tasks {@code tasks} returns. */
    public void start(Supplier<List<Task>> tasks, long intervalMillis) {
        timer.scheduleWithFixedDelay(() -> reportProgress(tasks.get()), intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stateChanged(Task task, TaskState state, Optional<String> error, Optional<ResultPreview> preview) {
        // Called by Task under its own lock, so a progress report cannot overtake a state change.
        write(task, state, error, preview);
    }

    private void reportProgress(List<Task> tasks) {
        for (Task task : tasks) {
            synchronized (task) {
                long progress = task.counters().progress();
                Long last = reportedProgress.get(task.wiring().key());
                if (task.state() == TaskState.RUNNING && (last == null || last != progress)) {
                    write(task, TaskState.RUNNING, Optional.empty(), Optional.empty());
                }
            }
        }
    }

    private void write(Task task, TaskState state, Optional<String> error, Optional<ResultPreview> preview) {
        TaskKey key = task.wiring().key();
        TaskCounters counters = task.counters();
        reportedProgress.put(key, counters.progress());
        if (state.isTerminal()) {
            reportedProgress.remove(key);
        }
        TaskStatus status = new TaskStatus(key.epoch(), key.stage(), key.index(), workerId, state,
                counters.rowsIn.get(), counters.rowsOut.get(), counters.batchesIn.get(), counters.batchesOut.get(),
                counters.bytesOut.get(), counters.fusedRows.get(), counters.cpuNanos(),
                task.inbox().map(TaskInbox::blockedNanos).orElse(0L), task.edgeCounters().sendNanos(),
                task.startedAtMillis(), System.currentTimeMillis(), error,
                state == TaskState.FAILED ? task.errorCode() : Optional.empty(), preview);
        try {
            plans.putTaskStatus(key.pipeline(), status);
        } catch (RuntimeException e) {
            if (e instanceof SkeinException skein && skein.errorCode() == ErrorCode.STALE_EPOCH) {
                // A newer run of the pipeline exists: this task is a zombie (its worker was paused
                // or cut off while the pipeline restarted elsewhere). It stops by itself, its
                // staged output dropped, without waiting for the newer plan to reach this worker.
                log.info("task {} stops: its status write was refused: {}", key, e.getMessage());
                task.cancel();
                if (state == TaskState.FINISHED) {
                    task.abort();
                }
            } else {
                // The coordinator notices a worker that cannot reach ZooKeeper through its lost session.
                log.warn("cannot report status of task {}", key, e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
