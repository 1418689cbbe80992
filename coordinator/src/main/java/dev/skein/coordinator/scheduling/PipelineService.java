package dev.skein.coordinator.scheduling;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PreAggregation;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.TaskStatus;
import dev.skein.cluster.ZkLeadership;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.coordinator.binding.SqlBinder;
import dev.skein.coordinator.planning.Planner;
import dev.skein.spec.DataRoots;
import dev.skein.spec.IngestSourceSpec;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Placement;
import dev.skein.spec.SpecLimits;
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
    private static final int MAX_NAME_LENGTH = 128;

    private final ZkPlanStore plans;
    private final ZkLeadership leadership;
    private final ZkWorkerRegistry workers;
    private final SqlBinder binder;
    private final DataRoots dataRoots;
    private final SpecLimits limits;

    /**
     * @param dataRoots where every source and sink path of a submitted pipeline must lie
     * @param limits how large a submitted pipeline may be
     */
    public PipelineService(ZkPlanStore plans, ZkLeadership leadership, ZkWorkerRegistry workers, SqlBinder binder,
            DataRoots dataRoots, SpecLimits limits) {
        this.plans = plans;
        this.leadership = leadership;
        this.workers = workers;
        this.binder = binder;
        this.dataRoots = dataRoots;
        this.limits = limits;
    }

    /**
     * Validates (YAML, then SQL bound against upstream schemas), plans and starts a pipeline.
     *
     * @param name the name the caller addressed; must match the spec's
     * @param requestedBaseDir the directory the submitter wants relative paths resolved against;
     *     honoured only inside a data root. Without it they resolve against the first data root.
     * @param placement the submitter's placement, over the spec's own ({@code skein run --placement})
     * @throws dev.skein.spec.InvalidSpecException with every problem found
     * @throws SkeinException NOT_LEADER on a coordinator that does not lead
     */
    public synchronized PipelineView submit(
            String name, String file, String yaml, Optional<Path> requestedBaseDir, Optional<Placement> placement) {
        requireLeading("submit pipeline '" + name + "'");
        Path baseDir = baseDirectory(requestedBaseDir);
        PipelineSpec written;
        try {
            written = SpecParser.parse(file, yaml, baseDir, dataRoots, limits);
        } catch (InvalidSpecException e) {
            throw binder.withSqlProblems(e);
        }
        PipelineSpec spec = placement.map(written::withPlacement).orElse(written);
        if (!spec.name().equals(name)) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    "pipeline name in the request '" + name + "' does not match name '" + spec.name() + "' in " + file);
        }
        List<PreAggregation> splits = binder.splitAggregates(binder.bind(spec));
        PipelinePlan plan = Planner.plan(spec, yaml, baseDir.toString(), plans.nextEpoch(), workers.liveWorkers(),
                WorkerLoad.of(plans.plans(), name), splits).withPlacement(placement);
        plans.createPlan(plan);
        return view(plan);
    }

    /**
     * The base directory of a submission: the submitter's if it lies inside a data root, else the
     * first root. A client names a directory, never chooses one outside the roots.
     */
    private Path baseDirectory(Optional<Path> requested) {
        if (requested.isEmpty()) {
            return dataRoots.first().orElseGet(() -> Path.of(System.getProperty("user.dir")));
        }
        Path normalized = requested.get().toAbsolutePath().normalize();
        if (!dataRoots.contains(normalized)) {
            throw new SkeinException(ErrorCode.INVALID_SPEC, "base directory '" + normalized
                    + "' is outside the coordinator's data directories (" + dataRoots.describe()
                    + "); submit a file that lies inside one, or give no base directory");
        }
        return normalized;
    }

    /** Every pipeline's view; while ZooKeeper is unreachable, as this coordinator last saw them. */
    public List<PipelineView> list() {
        List<PipelineView> views = new ArrayList<>();
        for (PipelinePlan plan : plans.plans()) {
            views.add(view(plan, statusesOrCached(plan)));
        }
        return views;
    }

    /**
     * A pipeline's view, read from ZooKeeper; while ZooKeeper is unreachable, from this
     * coordinator's copy of it (the change feed), as last seen.
     */
    public PipelineView get(String name) {
        checkName(name);
        if (plans.connected()) {
            try {
                return view(plans.plan(name).orElseThrow(() -> notFound(name)));
            } catch (SkeinException e) {
                if (e.errorCode() != ErrorCode.EXTERNAL) {
                    throw e;
                }
                // The connection went while reading: answer from the copy, as when it is down.
            }
        }
        PipelinePlan cached = plans.cachedPlan(name).orElseThrow(() -> notFound(name));
        return view(cached, plans.cachedTaskStatuses(name, cached.epoch()));
    }

    /** Cancels a running pipeline; a finished one is left as it is. */
    public synchronized PipelineView cancel(String name) {
        checkName(name);
        requireLeading("cancel pipeline '" + name + "'");
        PipelinePlan plan = plans.plan(name).orElseThrow(() -> notFound(name));
        if (!plan.state().isTerminal()) {
            plan = plan.withState(PipelineState.CANCELLED, System.currentTimeMillis(), Optional.of("cancelled by user"));
            plans.updatePlan(plan);
        }
        return view(plan);
    }

    /**
     * Removes a finished pipeline (SUCCEEDED, FAILED or CANCELLED) from the cluster, as retention
     * would later; a pipeline still running is refused, so nothing is forgotten while it writes.
     *
     * @return the pipeline's last view
     */
    public synchronized PipelineView forget(String name) {
        checkName(name);
        PipelinePlan plan = plans.plan(name).orElseThrow(() -> notFound(name));
        if (!plan.state().isTerminal()) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "pipeline '" + name + "' is " + plan.state()
                    + ": cancel it first (skein cancel " + name + "), then delete it");
        }
        PipelineView last = view(plan);
        plans.deletePipeline(name);
        return last;
    }

    /**
     * Tells an ingest pipeline its input is complete: accepted batches flow on, every task
     * flushes, sinks commit, as for a bounded pipeline.
     */
    public synchronized PipelineView finishIngest(String name) {
        checkName(name);
        requireLeading("finish the input of pipeline '" + name + "'");
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

    /** The plan's task statuses from ZooKeeper, or as last seen while it is unreachable. */
    private List<TaskStatus> statusesOrCached(PipelinePlan plan) {
        if (plans.connected()) {
            try {
                return plans.taskStatuses(plan.pipeline(), plan.epoch());
            } catch (SkeinException e) {
                if (e.errorCode() != ErrorCode.EXTERNAL) {
                    throw e;
                }
            }
        }
        return plans.cachedTaskStatuses(plan.pipeline(), plan.epoch());
    }

    private PipelineView view(PipelinePlan plan) {
        return view(plan, plans.taskStatuses(plan.pipeline(), plan.epoch()));
    }

    private PipelineView view(PipelinePlan plan, List<TaskStatus> statuses) {
        PipelineSpec spec = SpecParser.parse(plan.specFile(), plan.specYaml(), Path.of(plan.baseDir()));
        List<String> stageNames = new ArrayList<>();
        stageNames.add("source");
        spec.stages().stream().map(StageSpec::name).forEach(stageNames::add);
        return PipelineViews.of(plan, stageNames, statuses);
    }

    /**
     * Refuses a change on a coordinator that does not lead, naming the leader; the plan writes are
     * fenced as well, so this is the early, clear answer, not the guard.
     */
    private void requireLeading(String what) {
        if (leadership.isLeader()) {
            return;
        }
        String leader = leadership.leader()
                .map(term -> "coordinator '" + term.coordinatorId() + "' leads (REST " + term.restUrl() + ", Flight "
                        + term.flightAddress() + ")")
                .orElse("no coordinator leads at the moment");
        throw new SkeinException(ErrorCode.NOT_LEADER, "coordinator '" + leadership.participantId()
                + "' does not lead, so it cannot " + what + "; " + leader);
    }

    /** Refuses what cannot be a pipeline name before it reaches ZooKeeper (a path of it). */
    private static void checkName(String name) {
        if (name.length() > MAX_NAME_LENGTH || !SpecParser.NAME_PATTERN.matcher(name).matches()) {
            String shown = name.length() > 40 ? name.substring(0, 40) + "... (" + name.length() + " characters)" : name;
            throw new SkeinException(ErrorCode.INVALID_SPEC, "'" + shown + "' is not a pipeline name: names match "
                    + SpecParser.NAME_PATTERN.pattern() + ", at most " + MAX_NAME_LENGTH + " characters");
        }
    }

    private static SkeinException notFound(String name) {
        return new SkeinException(ErrorCode.NOT_FOUND, "no pipeline named '" + name + "'");
    }
}
