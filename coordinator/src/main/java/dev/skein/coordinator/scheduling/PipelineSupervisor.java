package dev.skein.coordinator.scheduling;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.PlanListener;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.TaskState;
import dev.skein.cluster.TaskStatus;
import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.ZkWorkerRegistry;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives pipelines from their task statuses: a failed task fails the pipeline (workers then stop
 * the rest), all tasks finished moves it to COMMITTING, all committed to SUCCEEDED; a worker that
 * leaves the cluster fails the pipelines it ran tasks of. Work happens on one thread, fed by
 * ZooKeeper events and a periodic sweep (so a coalesced event is never lost for long).
 */
public final class PipelineSupervisor implements PlanListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineSupervisor.class);
    private static final long SWEEP_MILLIS = 1_000;

    private final ZkPlanStore plans;
    private final ZkWorkerRegistry workers;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "pipeline-supervisor");
        t.setDaemon(true);
        return t;
    });

    private final Retention retention;

    public PipelineSupervisor(ZkPlanStore plans, ZkWorkerRegistry workers) {
        this(plans, workers, Retention.DEFAULT);
    }

    /** @param retention which finished pipelines each sweep removes from ZooKeeper */
    public PipelineSupervisor(ZkPlanStore plans, ZkWorkerRegistry workers, Retention retention) {
        this.plans = plans;
        this.workers = workers;
        this.retention = retention;
    }

    public void start() {
        workers.onChange(() -> thread.execute(this::sweep));
        thread.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void taskStatusChanged(String pipeline, TaskStatus status) {
        thread.execute(() -> evaluate(pipeline));
    }

    private void sweep() {
        List<PipelinePlan> all = plans.plans();
        for (PipelinePlan plan : all) {
            if (!plan.state().isTerminal()) {
                evaluate(plan.pipeline());
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

    private void evaluate(String pipeline) {
        try {
            Optional<PipelinePlan> stored = plans.plan(pipeline);
            if (stored.isEmpty() || stored.get().state().isTerminal()) {
                return;
            }
            PipelinePlan plan = stored.get();
            List<TaskStatus> statuses = plans.taskStatuses(pipeline).stream()
                    .filter(status -> status.epoch() == plan.epoch())
                    .toList();
            Optional<TaskStatus> failed = statuses.stream()
                    .filter(status -> status.state() == TaskState.FAILED)
                    .findFirst();
            if (failed.isPresent()) {
                finish(plan, PipelineState.FAILED, failed.get().error().orElse("a task failed"));
                return;
            }
            Optional<String> lost = lostWorker(plan);
            if (lost.isPresent()) {
                finish(plan, PipelineState.FAILED, lost.get());
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

    private Optional<String> lostWorker(PipelinePlan plan) {
        Set<String> live = workers.liveWorkers().stream().map(WorkerInfo::id).collect(Collectors.toSet());
        for (TaskPlacement task : plan.tasks()) {
            if (!live.contains(task.workerId())) {
                return Optional.of("worker '" + task.workerId() + "' (" + task.host() + ":" + task.port()
                        + ") left the cluster while running task " + task.key() + " of pipeline '"
                        + plan.pipeline() + "'");
            }
        }
        return Optional.empty();
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
