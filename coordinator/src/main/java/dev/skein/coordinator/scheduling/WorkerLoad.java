package dev.skein.coordinator.scheduling;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.TaskPlacement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tasks per worker of the pipelines that are not finished: what the planner spreads new work around. */
final class WorkerLoad {
    private WorkerLoad() {}

    /** The load of every unfinished plan except the one of {@code exceptPipeline} (which is being re-planned). */
    static Map<String, Integer> of(List<PipelinePlan> plans, String exceptPipeline) {
        Map<String, Integer> load = new HashMap<>();
        for (PipelinePlan plan : plans) {
            if (!plan.state().isTerminal() && !plan.pipeline().equals(exceptPipeline)) {
                for (TaskPlacement task : plan.tasks()) {
                    load.merge(task.workerId(), 1, Integer::sum);
                }
            }
        }
        return load;
    }
}
