package dev.skein.coordinator.planning;

import dev.skein.cluster.EdgeKind;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.PreAggregation;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.WorkerInfo;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Placement;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Expands stages into tasks and places them on live workers. With {@code placement: chain} (the
 * default) a stage joined to the previous one by a forward edge runs its task i on the worker of
 * the previous stage's task i, so the two hand batches over in memory. Every other stage goes
 * least-loaded first (counting tasks of pipelines already running), and never on a worker that
 * runs the previous stage when another worker is free of it, so exchanges spread the CPU.
 *
 * <p>A stage with {@code parallelism: auto} gets one task per live worker, counted when the plan is
 * made: a restart counts again, so a worker that joined since is used.
 *
 * <p>A {@code final} stage the binder could split ({@link PreAggregation}) is pre-aggregated
 * upstream when its input crosses tasks or processes: its upstream runs in more than one task, or
 * on another worker. A stage fed by one co-located task keeps its SQL as written.
 */
public final class Planner {
    private Planner() {}

    /**
     * @param existingLoad tasks per worker id of pipelines already running
     * @param splits the final stages the binder split (see {@link PreAggregation}); those worth it
     *     are kept in the plan
     * @throws SkeinException NO_WORKERS when no worker is live
     */
    public static PipelinePlan plan(
            PipelineSpec spec,
            String specYaml,
            String baseDir,
            long epoch,
            List<WorkerInfo> workers,
            Map<String, Integer> existingLoad,
            List<PreAggregation> splits) {
        return planResolved(spec.withAutoParallelism(workers.size()), specYaml, baseDir, epoch, workers, existingLoad,
                splits);
    }

    /** {@link #plan}, once every {@code parallelism: auto} stage has its number of tasks. */
    private static PipelinePlan planResolved(
            PipelineSpec spec,
            String specYaml,
            String baseDir,
            long epoch,
            List<WorkerInfo> workers,
            Map<String, Integer> existingLoad,
            List<PreAggregation> splits) {
        if (workers.isEmpty()) {
            throw new SkeinException(
                    ErrorCode.NO_WORKERS,
                    "no live workers to run pipeline '" + spec.name() + "'; start one with 'skein worker'");
        }
        Map<String, Integer> load = new HashMap<>(existingLoad);
        List<TaskPlacement> tasks = new ArrayList<>();
        Set<String> previousStageWorkers = new HashSet<>();
        int stageCount = spec.stages().size();
        for (int stage = 0; stage <= stageCount; stage++) {
            int parallelism = parallelism(spec, stage);
            Optional<StageEdge> in = stage == 0 ? Optional.empty() : Optional.of(edgeInto(spec, stage));
            Optional<StageEdge> out = stage == stageCount ? Optional.empty() : Optional.of(edgeInto(spec, stage + 1));
            boolean chained = spec.placement() == Placement.CHAIN
                    && in.filter(edge -> edge.kind() == EdgeKind.FORWARD).isPresent();
            List<TaskPlacement> previousStage = stage == 0
                    ? List.of()
                    : List.copyOf(tasks.subList(tasks.size() - parallelism(spec, stage - 1), tasks.size()));
            Set<String> thisStageWorkers = new HashSet<>();
            for (int index = 0; index < parallelism; index++) {
                WorkerInfo worker = chained
                        ? workerOf(workers, previousStage.get(index))
                        : pick(workers, load, previousStageWorkers, thisStageWorkers);
                load.merge(worker.id(), 1, Integer::sum);
                thisStageWorkers.add(worker.id());
                int task = index;
                tasks.add(new TaskPlacement(stage, index, worker.id(), worker.host(), worker.flightPort(),
                        in.map(edge -> edge.sendersOf(task)).orElse(List.of()),
                        out.map(edge -> edge.outputOf(task))));
            }
            previousStageWorkers = thisStageWorkers;
        }
        List<PreAggregation> kept = splits.stream().filter(split -> worthSplitting(spec, split)).toList();
        return new PipelinePlan(spec.name(), epoch, PipelineState.RUNNING, spec.file(), specYaml, baseDir, tasks,
                        System.currentTimeMillis(), 0, Optional.empty())
                .withPreAggregations(kept);
    }

    /**
     * Whether the stage's input crosses tasks or processes. Only a final stage with one task (or
     * hash-partitioned on its group keys, which the binder checked) is ever split.
     */
    private static boolean worthSplitting(PipelineSpec spec, PreAggregation split) {
        StageEdge in = edgeInto(spec, split.stage());
        boolean coLocated = in.kind() == EdgeKind.FORWARD && spec.placement() == Placement.CHAIN;
        return !coLocated;
    }

    /** The worker running {@code task}. */
    private static WorkerInfo workerOf(List<WorkerInfo> workers, TaskPlacement task) {
        return workers.stream().filter(worker -> worker.id().equals(task.workerId())).findFirst().orElseThrow();
    }

    private static int parallelism(PipelineSpec spec, int stage) {
        return stage == 0 ? 1 : spec.stages().get(stage - 1).parallelism();
    }

    /** The edge from stage {@code stage - 1} into {@code stage} (1-based, 0 = source). */
    private static StageEdge edgeInto(PipelineSpec spec, int stage) {
        return StageEdge.between(
                parallelism(spec, stage - 1), parallelism(spec, stage), spec.stages().get(stage - 1).partitionBy());
    }

    private static WorkerInfo pick(
            List<WorkerInfo> workers, Map<String, Integer> load, Set<String> avoid, Set<String> sameStage) {
        Comparator<WorkerInfo> order = Comparator.<WorkerInfo>comparingInt(w -> avoid.contains(w.id()) ? 1 : 0)
                .thenComparingInt(w -> sameStage.contains(w.id()) ? 1 : 0)
                .thenComparingInt(w -> load.getOrDefault(w.id(), 0))
                .thenComparing(WorkerInfo::id);
        return workers.stream().min(order).orElseThrow();
    }
}
