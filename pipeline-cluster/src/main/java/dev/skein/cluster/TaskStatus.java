package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import java.util.Optional;

/**
 * What a worker reports about one task: state and counters. Written to ZooKeeper at state changes
 * and at most every {@code statusInterval} while running.
 *
 * @param epoch the plan epoch the task belongs to
 * @param stage 0 for the source, else 1-based stage position
 * @param index the task's index within its stage
 * @param workerId the worker running it
 * @param state where the task is
 * @param rowsIn rows received
 * @param rowsOut rows emitted
 * @param batchesIn batches received
 * @param batchesOut batches emitted
 * @param bytesOut Arrow buffer bytes emitted
 * @param fusedRows of {@code rowsOut}, rows the stage never made itself: its query ran inside the
 *     next stage's pre-aggregation
 * @param cpuNanos CPU time of the thread running the task, since it started (0 if unknown)
 * @param inboxBlockedNanos time upstream senders waited for room in the task's inbox: backpressure
 *     this task exerted (it is slower than its input)
 * @param sendNanos time the task spent handing output to the next stage, waiting for room there
 *     included (backpressure it met)
 * @param startedAtMillis wall-clock start
 * @param updatedAtMillis wall-clock time of this report
 * @param error the failure, for FAILED
 * @param errorCode the failure's code, for FAILED: it tells an infrastructure failure (restart
 *     the pipeline) from a user error (fail it)
 * @param preview first output rows of a last-stage task, once FINISHED
 */
public record TaskStatus(
        long epoch,
        int stage,
        int index,
        String workerId,
        TaskState state,
        long rowsIn,
        long rowsOut,
        long batchesIn,
        long batchesOut,
        long bytesOut,
        long fusedRows,
        long cpuNanos,
        long inboxBlockedNanos,
        long sendNanos,
        long startedAtMillis,
        long updatedAtMillis,
        Optional<String> error,
        Optional<ErrorCode> errorCode,
        Optional<ResultPreview> preview) {
    public TaskStatus {
        requireNonNull(workerId, "workerId is null");
        requireNonNull(state, "state is null");
        requireNonNull(error, "error is null");
        requireNonNull(errorCode, "errorCode is null");
        requireNonNull(preview, "preview is null");
    }

    /**
     * True for a failure a restart may cure: an infrastructure error code. A failure without a
     * code (an older worker) counts as not retryable.
     */
    public boolean retryable() {
        return errorCode.map(ErrorCode::retryable).orElse(false);
    }

    /** {@code stage-index}, as in {@link TaskPlacement#key()}. */
    public String key() {
        return stage + "-" + index;
    }
}
