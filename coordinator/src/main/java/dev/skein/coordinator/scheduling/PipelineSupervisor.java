package dev.skein.coordinator.scheduling;

import dev.skein.cluster.PipelineAttempt;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.PlanListener;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.TaskState;
import dev.skein.cluster.TaskStatus;
import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.coordinator.planning.Planner;
import dev.skein.spec.IngestSourceSpec;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives pipelines from their task statuses (of the plan's epoch only: a status of another epoch
 * is never looked at): all tasks finished moves a pipeline to COMMITTING, all committed to
 * SUCCEEDED. A run that fails for an infrastructure reason (a worker left the cluster or its port
 * refuses, a task failed with a retryable error code) is restarted: the plan goes to RESTARTING
 * (workers stop its tasks), and after the spec's backoff the whole pipeline is placed again on the
 * reachable live workers under a new epoch, up to {@code restart.attempts} times. User errors,
 * ingest pipelines and exhausted attempts fail the pipeline. Work happens on one thread, fed by
 * ZooKeeper events and a periodic sweep (so a coalesced event is never lost for long).
 *
 * <p>It acts only while its coordinator leads ({@code leading}); everything it needs is in
 * ZooKeeper, so a coordinator that takes over adopts running pipelines as they are (their tasks
 * keep running) and finishes supervising and committing them. Its writes are fenced by the leader
 * term, so a deposed leader's last writes fail.
 */
public final class PipelineSupervisor implements PlanListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineSupervisor.class);
    private static final long SWEEP_MILLIS = 1_000;

    private final ZkPlanStore plans;
    private final ZkWorkerRegistry workers;
    /** {@code pipeline@epoch} of the restarts waiting for their backoff; confined to {@link #thread}. */
    private final Set<String> scheduledRestarts = new HashSet<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "pipeline-supervisor");
        t.setDaemon(true);
        return t;
    });

    private final Retention retention;
    private final BooleanSupplier leading;

    /**
     * @param retention which finished pipelines each sweep removes from ZooKeeper
     * @param leading whether this coordinator leads now; nothing is done while it does not
     */
    public PipelineSupervisor(ZkPlanStore plans, ZkWorkerRegistry workers, Retention retention,
            BooleanSupplier leading) {
        this.plans = plans;
        this.workers = workers;
        this.retention = retention;
        this.leading = leading;
    }

    public void start() {
        workers.onChange(() -> thread.execute(this::sweep));
        thread.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Looks at every pipeline now: this coordinator has just become the leader. */
    public void adopt() {
        thread.execute(this::sweep);
    }

    @Override
    public void taskStatusChanged(String pipeline, TaskStatus status) {
        thread.execute(() -> evaluate(pipeline, false));
    }

    private void sweep() {
        if (!leading.getAsBoolean()) {
            return;
        }
        List<PipelinePlan> all = plans.plans();
        for (PipelinePlan plan : all) {
            if (!plan.state().isTerminal()) {
                evaluate(plan.pipeline(), true);
            }
        }
        for (PipelinePlan expired : retention.expired(all, System.currentTimeMillis())) {
            try {
                plans.deletePipeline(expired.pipeline());
                log.info("removed finished pipeline '{}' ({}), past the retention of {} pipelines for {}",
                        expired.pipeline(), expired.state(), retention.keep(), retention.keepFor());
            } catch (RuntimeException e) {
                // the next sweep tries again; a plan kept longer does no harm
                log.warn("cannot remove finished pipeline '{}' yet: {}", expired.pipeline(), e.getMessage());
            }
        }
    }

    /** @param probe also ask whether the run's workers still listen ({@link WorkerProbe#refuses}): on sweeps */
    private void evaluate(String pipeline, boolean probe) {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            Optional<PipelinePlan> stored = plans.plan(pipeline);
            if (stored.isEmpty() || stored.get().state().isTerminal()) {
                return;
            }
            PipelinePlan plan = stored.get();
            if (plan.state() == PipelineState.RESTARTING) {
                // Also picks up a restart a previous leader had scheduled.
                scheduleRestart(plan);
                return;
            }
            List<TaskStatus> statuses = plans.taskStatuses(pipeline, plan.epoch());
            Optional<RunFailure> failure = failureOf(plan, statuses, probe);
            if (failure.isPresent()) {
                handle(plan, statuses, failure.get());
                return;
            }
            boolean complete = statuses.size() == plan.tasks().size();
            if ((plan.state() == PipelineState.RUNNING || plan.state() == PipelineState.DRAINING) && complete
                    && statuses.stream()
                    .allMatch(s -> s.state() == TaskState.FINISHED || s.state() == TaskState.COMMITTED)) {
                plans.updatePlan(plan.withState(PipelineState.COMMITTING, 0, Optional.empty()));
            } else if (plan.state() == PipelineState.COMMITTING && complete && statuses.stream()
                    .allMatch(s -> s.state() == TaskState.COMMITTED)) {
                finish(plan, PipelineState.SUCCEEDED, null);
            }
        } catch (RuntimeException e) {
            // The next event or sweep evaluates again; ZooKeeper may be briefly unreachable.
            log.warn("cannot evaluate pipeline '{}'", pipeline, e);
        }
    }

    /**
     * Why the run failed, if it did. A user error wins over an infrastructure failure seen at the
     * same time (it would fail the restarted run again); a worker that left or whose port refuses
     * is named rather than the neighbour whose stream from it broke. Among failed tasks the first
     * to fail is the cause; a task that failed because it was stopped (CANCELLED) only follows
     * another failure, so it is never taken for a user error.
     */
    private Optional<RunFailure> failureOf(PipelinePlan plan, List<TaskStatus> statuses, boolean probe) {
        List<TaskStatus> failed = statuses.stream()
                .filter(status -> status.state() == TaskState.FAILED)
                .sorted(Comparator.comparing((TaskStatus status) -> stopped(status))
                        .thenComparingLong(TaskStatus::updatedAtMillis))
                .toList();
        Optional<TaskStatus> userError = userError(statuses);
        if (userError.isPresent()) {
            return Optional.of(new RunFailure(userError.get().error().orElse("a task failed"),
                    Optional.of(userError.get().workerId()), false));
        }
        Set<String> live = workers.liveWorkers().stream().map(WorkerInfo::id).collect(Collectors.toSet());
        Optional<TaskPlacement> lost = plan.tasks().stream().filter(task -> !live.contains(task.workerId())).findFirst();
        if (lost.isPresent()) {
            return Optional.of(lostWorker(plan, lost.get(), "left the cluster"));
        }
        Map<String, TaskPlacement> byWorker = new LinkedHashMap<>();
        plan.tasks().forEach(task -> byWorker.putIfAbsent(task.workerId(), task));
        if (probe && plan.state() != PipelineState.RESTARTING) {
            for (TaskPlacement task : byWorker.values()) {
                if (WorkerProbe.refuses(task.host(), task.port())) {
                    return Optional.of(lostWorker(plan, task, "is unreachable (its port refuses connections)"));
                }
            }
        }
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        for (TaskPlacement task : byWorker.values()) {
            if (!WorkerProbe.reachable(task.host(), task.port())) {
                return Optional.of(lostWorker(plan, task, "is unreachable"));
            }
        }
        TaskStatus first = failed.get(0);
        return Optional.of(new RunFailure(first.error().orElse("a task failed"), Optional.of(first.workerId()), true));
    }

    /** A task that failed because it was stopped: a consequence of another failure, not a cause. */
    private static boolean stopped(TaskStatus status) {
        return status.errorCode().filter(code -> code == ErrorCode.CANCELLED).isPresent();
    }

    /** The user error among the run's failures, if any: it fails the pipeline without a restart. */
    private static Optional<TaskStatus> userError(List<TaskStatus> statuses) {
        return statuses.stream()
                .filter(status -> status.state() == TaskState.FAILED && !status.retryable() && !stopped(status))
                .min(Comparator.comparingLong(TaskStatus::updatedAtMillis));
    }

    private static RunFailure lostWorker(PipelinePlan plan, TaskPlacement task, String what) {
        return new RunFailure("worker '" + task.workerId() + "' (" + task.host() + ":" + task.port() + ") " + what
                + " while running task " + task.key() + " of pipeline '" + plan.pipeline() + "'",
                Optional.of(task.workerId()), true);
    }

    private void handle(PipelinePlan plan, List<TaskStatus> statuses, RunFailure failure) {
        if (!failure.retryable()) {
            fail(plan, failure.message(), failure.workerId());
            return;
        }
        PipelineSpec spec = specOf(plan);
        if (spec.source() instanceof IngestSourceSpec) {
            long accepted = statuses.stream().filter(status -> status.stage() == 0).mapToLong(TaskStatus::rowsOut).sum();
            fail(plan, failure.message() + "; ingest pipelines are not restarted: " + accepted
                    + " acknowledged rows were not committed", failure.workerId());
            return;
        }
        int restarts = Math.max(0, plan.attempts().size() - 1);
        if (restarts >= spec.restart().attempts()) {
            fail(plan, failure.message() + "; no restart left (restart.attempts: " + spec.restart().attempts() + ")",
                    failure.workerId());
            return;
        }
        long now = System.currentTimeMillis();
        PipelineAttempt ended = plan.currentAttempt().ended(runningAt(plan, statuses), now, failure.message(),
                failure.workerId());
        PipelinePlan restarting = plan.withCurrentAttempt(ended)
                .withState(PipelineState.RESTARTING, 0, Optional.of(failure.message()));
        plans.updatePlan(restarting);
        log.info("pipeline '{}' epoch {} failed, restart {} of {} in {} ms: {}", plan.pipeline(), plan.epoch(),
                restarts + 1, spec.restart().attempts(), spec.restart().backoffBefore(restarts + 1).toMillis(),
                failure.message());
        scheduleRestart(restarting);
    }

    /** When the last task of the run started (rows flowing), 0 if some task never reported. */
    private static long runningAt(PipelinePlan plan, List<TaskStatus> statuses) {
        if (statuses.size() < plan.tasks().size()) {
            return 0;
        }
        return statuses.stream().mapToLong(TaskStatus::startedAtMillis).max().orElse(0);
    }

    private void scheduleRestart(PipelinePlan restarting) {
        String key = restarting.pipeline() + "@" + restarting.epoch();
        if (!scheduledRestarts.add(key)) {
            return;
        }
        Duration backoff = specOf(restarting).restart().backoffBefore(restarting.attempts().size());
        long due = restarting.currentAttempt().endedAtMillis() + backoff.toMillis();
        long delay = Math.max(0, due - System.currentTimeMillis());
        thread.schedule(() -> {
            scheduledRestarts.remove(key);
            restart(restarting.pipeline(), restarting.epoch());
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void restart(String pipeline, long epoch) {
        if (!leading.getAsBoolean()) {
            // The next leader's sweep sees the plan RESTARTING and schedules the restart itself.
            return;
        }
        try {
            Optional<PipelinePlan> stored = plans.plan(pipeline);
            if (stored.isEmpty() || stored.get().state() != PipelineState.RESTARTING || stored.get().epoch() != epoch) {
                return;
            }
            PipelinePlan plan = stored.get();
            List<TaskStatus> statuses = plans.taskStatuses(pipeline, epoch);
            Optional<TaskStatus> userError = userError(statuses);
            if (userError.isPresent()) {
                // Reported after the infrastructure failure: the restarted run would fail the same way.
                fail(plan, userError.get().error().orElse("a task failed"), Optional.of(userError.get().workerId()));
                return;
            }
            List<WorkerInfo> reachable = workers.liveWorkers().stream().filter(WorkerProbe::reachable).toList();
            PipelineSpec spec = specOf(plan);
            PipelinePlan next;
            try {
                next = Planner.plan(spec, plan.specYaml(), plan.baseDir(), plans.nextEpoch(), reachable,
                        WorkerLoad.of(plans.plans(), pipeline), plan.preAggregations());
            } catch (SkeinException e) {
                if (e.errorCode() != ErrorCode.NO_WORKERS) {
                    throw e;
                }
                fail(plan, plan.failure().orElse("the run failed") + "; cannot restart: no live worker is reachable",
                        plan.currentAttempt().workerId());
                return;
            }
            List<PipelineAttempt> history = new ArrayList<>(plan.attempts());
            history.add(PipelineAttempt.started(next.epoch(), next.submittedAtMillis()));
            next = next.withHistory(plan.submittedAtMillis(), history).withPlacement(plan.placement());
            if (plans.restartPlan(plan, next)) {
                log.info("pipeline '{}' restarted as epoch {} (attempt {}) on workers {}", pipeline, next.epoch(),
                        history.size(), next.tasks().stream().map(TaskPlacement::workerId).distinct().toList());
            }
        } catch (RuntimeException e) {
            // The sweep sees the plan still RESTARTING and schedules the restart again.
            log.warn("cannot restart pipeline '{}'", pipeline, e);
        }
    }

    /** The plan's spec, with the placement the submitter chose if any. */
    private static PipelineSpec specOf(PipelinePlan plan) {
        PipelineSpec spec = SpecParser.parse(plan.specFile(), plan.specYaml(), Path.of(plan.baseDir()));
        return plan.placement().map(spec::withPlacement).orElse(spec);
    }

    /** Fails the pipeline; a run that is still current ends with the same cause. */
    private void fail(PipelinePlan plan, String why, Optional<String> workerId) {
        PipelinePlan failed = plan.state() == PipelineState.RESTARTING
                ? plan
                : plan.withCurrentAttempt(plan.currentAttempt().ended(
                        runningAt(plan, plans.taskStatuses(plan.pipeline(), plan.epoch())), System.currentTimeMillis(),
                        why, workerId));
        finish(failed, PipelineState.FAILED, why);
    }

    private void finish(PipelinePlan plan, PipelineState state, String why) {
        log.info("pipeline '{}' {}{}", plan.pipeline(), state, why == null ? "" : ": " + why);
        plans.updatePlan(plan.withState(state, System.currentTimeMillis(), Optional.ofNullable(why)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
