package dev.skein.coordinator.scheduling;

import dev.skein.cluster.ResultPreview;
import java.util.List;
import java.util.Optional;

/**
 * What users see of a pipeline: state, per-stage progress, and the first result rows.
 *
 * @param name pipeline name
 * @param state RUNNING, DRAINING, RESTARTING, COMMITTING, SUCCEEDED, FAILED or CANCELLED
 * @param epoch current plan epoch
 * @param failure why it failed or was cancelled
 * @param submittedAtMillis wall-clock submission time
 * @param elapsedMillis from submission to finish (or to now)
 * @param sourceRows rows the source produced so far
 * @param rowsPerSecond source rows per second of elapsed time
 * @param stages the source and every stage, in order
 * @param result the last stage's first rows, once it finished
 * @param attempts every run, oldest first; more than one after restarts
 */
public record PipelineView(
        String name,
        String state,
        long epoch,
        Optional<String> failure,
        long submittedAtMillis,
        long elapsedMillis,
        long sourceRows,
        double rowsPerSecond,
        List<StageView> stages,
        Optional<ResultPreview> result,
        List<AttemptView> attempts) {
    public PipelineView {
        stages = List.copyOf(stages);
        attempts = List.copyOf(attempts);
    }
}
