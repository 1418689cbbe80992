package dev.skein.coordinator.scheduling;

import java.util.List;

/**
 * One stage's progress, summed over its tasks.
 *
 * @param name "source" or the stage name
 * @param tasks task count
 * @param workers the worker of each task, by index
 * @param states each task's state, by index ("PENDING" before its first report)
 * @param rowsIn rows received
 * @param rowsOut rows emitted
 * @param batchesIn batches received
 * @param batchesOut batches emitted
 * @param bytesOut Arrow bytes emitted (estimated for fused rows)
 * @param fusedRows of {@code rowsOut}, rows the stage's query made inside the next stage's
 *     pre-aggregation (the stage was fused into it), never as output of its own
 * @param cpuNanos CPU time of the task threads, summed over the tasks
 * @param inboxBlockedNanos time upstream senders waited for room in this stage's inboxes, summed
 *     over the tasks: when it grows, this stage is the bottleneck
 * @param sendNanos time this stage's tasks spent sending to the next stage, waiting for room
 *     included, summed: when it grows faster than the stage works, a stage downstream holds it back
 * @param elapsedMillis from the first task's start to the last report
 * @param preAggregated a final stage split by the planner: the stage before it sends partial
 *     aggregates, so {@code rowsIn} counts partial rows
 */
public record StageView(
        String name,
        int tasks,
        List<String> workers,
        List<String> states,
        long rowsIn,
        long rowsOut,
        long batchesIn,
        long batchesOut,
        long bytesOut,
        long fusedRows,
        long cpuNanos,
        long inboxBlockedNanos,
        long sendNanos,
        long elapsedMillis,
        boolean preAggregated) {
    public StageView {
        workers = List.copyOf(workers);
        states = List.copyOf(states);
    }
}
