package dev.skein.coordinator.scheduling;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.coordinator.binding.SqlBinder;
import dev.skein.coordinator.planning.Planner;
import dev.skein.spec.IngestSourceSpec;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import dev.skein.spec.StageSpec;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the REST API offers: submit, list, describe and cancel pipelines. Thread-safe. */
public final class PipelineService {
    private final ZkPlanStore plans;
    private final ZkWorkerRegistry workers;
    private final SqlBinder binder;

    public PipelineService(ZkPlanStore plans, ZkWorkerRegistry workers, SqlBinder binder) {
        this.plans = plans;
        this.workers = workers;
        this.binder = binder;
    }

    /**
     * Validates (YAML, then SQL bound against upstream schemas), plans and starts a pipeline.
     *
     * @param name the name the caller addressed; must match the spec's
     * @throws dev.skein.spec.InvalidSpecException with every problem found
     */
    public synchronized PipelineView submit(String name, String file, String yaml, Path baseDir) {
        PipelineSpec spec = SpecParser.parse(file, yaml, baseDir);
        if (!spec.name().equals(name)) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    "pipeline name in the request '" + name + "' does not match name '" + spec.name() + "' in " + file);
        }
        binder.bind(spec);
        PipelinePlan plan = Planner.plan(spec, yaml, baseDir.toString(), plans.nextEpoch(), workers.liveWorkers(),
                WorkerLoad.of(plans.plans(), name));
        plans.createPlan(plan);
        return view(plan);
    }

    public List<PipelineView> list() {
        List<PipelineView> views = new ArrayList<>();
        for (PipelinePlan plan : plans.plans()) {
            views.add(view(plan));
        }
        return views;
    }

    public PipelineView get(String name) {
        return view(plans.plan(name).orElseThrow(() -> notFound(name)));
    }

    /** Cancels a running pipeline; a finished one is left as it is. */
    public synchronized PipelineView cancel(String name) {
        PipelinePlan plan = plans.plan(name).orElseThrow(() -> notFound(name));
        if (!plan.state().isTerminal()) {
            plan = plan.withState(PipelineState.CANCELLED, System.currentTimeMillis(), Optional.of("cancelled by user"));
            plans.updatePlan(plan);
        }
        return view(plan);
    }

    /**
     * Tells an ingest pipeline its input is complete: accepted batches flow on, every task
     * flushes, sinks commit, as for a bounded pipeline.
     */
    public synchronized PipelineView finishIngest(String name) {
        PipelinePlan plan = plans.plan(name).orElseThrow(() -> notFound(name));
        PipelineSpec spec = SpecParser.parse(plan.specFile(), plan.specYaml(), Path.of(plan.baseDir()));
        if (!(spec.source() instanceof IngestSourceSpec)) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "pipeline '" + name + "' has no ingest source");
        }
        if (plan.state() == PipelineState.RUNNING) {
            plan = plan.withState(PipelineState.DRAINING, 0, Optional.empty());
            plans.updatePlan(plan);
        }
        return view(plan);
    }

    private PipelineView view(PipelinePlan plan) {
        PipelineSpec spec = SpecParser.parse(plan.specFile(), plan.specYaml(), Path.of(plan.baseDir()));
        List<String> stageNames = new ArrayList<>();
        stageNames.add("source");
        spec.stages().stream().map(StageSpec::name).forEach(stageNames::add);
        return PipelineViews.of(plan, stageNames, plans.taskStatuses(plan.pipeline(), plan.epoch()));
    }

    private static SkeinException notFound(String name) {
        return new SkeinException(ErrorCode.NOT_FOUND, "no pipeline named '" + name + "'");
    }
}
