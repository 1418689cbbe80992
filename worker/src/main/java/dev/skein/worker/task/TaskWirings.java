package dev.skein.worker.task;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.TaskPlacement;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.StageSpec;
import java.util.List;
import java.util.Optional;

/**
 * Derives a task's wiring from the plan and the spec. An edge is forward (task i to task i) when
 * both stages have the same parallelism and the receiving stage does not hash; otherwise every
 * upstream task sends to every downstream task, round-robin or by hash of {@code partition-by}.
 */
public final class TaskWirings {
    private TaskWirings() {}

    public static TaskWiring of(PipelinePlan plan, PipelineSpec spec, TaskPlacement placement) {
        int stage = placement.stage();
        int index = placement.index();
        int stageCount = spec.stages().size();
        int parallelism = plan.tasksOf(stage).size();
        TaskKey key = new TaskKey(plan.pipeline(), plan.epoch(), stage, index);

        int upstreams = 0;
        if (stage > 0) {
            int upstreamParallelism = plan.tasksOf(stage - 1).size();
            upstreams = isForward(upstreamParallelism, parallelism, spec.stages().get(stage - 1)) ? 1 : upstreamParallelism;
        }
        List<DownstreamTarget> downstream = List.of();
        List<String> partitionBy = List.of();
        if (stage < stageCount) {
            StageSpec next = spec.stages().get(stage);
            List<TaskPlacement> nextTasks = plan.tasksOf(stage + 1);
            List<TaskPlacement> targets = isForward(parallelism, nextTasks.size(), next)
                    ? List.of(nextTasks.get(index))
                    : nextTasks;
            downstream = targets.stream()
                    .map(target -> new DownstreamTarget(
                            new TaskKey(plan.pipeline(), plan.epoch(), target.stage(), target.index()),
                            target.host(),
                            target.port()))
                    .toList();
            partitionBy = targets.size() > 1 ? next.partitionBy() : List.of();
        }
        return new TaskWiring(
                key,
                stage == 0 ? "source" : spec.stages().get(stage - 1).name(),
                stage == 0 ? Optional.of(spec.source()) : Optional.empty(),
                stage == 0 ? Optional.empty() : Optional.of(spec.stages().get(stage - 1).transform()),
                upstreams,
                downstream,
                partitionBy,
                stage == stageCount ? spec.sinks() : List.of(),
                spec.source().batchRows(),
                parallelism);
    }

    /** Whether the edge into {@code receiver} is one-to-one. */
    static boolean isForward(int senderParallelism, int receiverParallelism, StageSpec receiver) {
        return senderParallelism == receiverParallelism
                && (receiver.partitionBy().isEmpty() || receiverParallelism == 1);
    }
}
