package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One run of a pipeline under one epoch. A pipeline that is restarted after an infrastructure
 * failure has several; the plan keeps them all, oldest first.
 *
 * @param epoch the plan epoch of this run
 * @param startedAtMillis wall-clock time the coordinator placed this run
 * @param runningAtMillis wall-clock time the last of its tasks started (rows flowing), 0 if not known
 * @param endedAtMillis wall-clock time the coordinator saw it fail, 0 while it is the current run
 * @param cause why it ended, for a run that failed
 * @param workerId the worker whose loss or failure ended it, when one is to blame
 */
public record PipelineAttempt(
        long epoch,
        long startedAtMillis,
        long runningAtMillis,
        long endedAtMillis,
        Optional<String> cause,
        Optional<String> workerId) {
    public PipelineAttempt {
        requireNonNull(cause, "cause is null");
        requireNonNull(workerId, "workerId is null");
    }

    /** A run that starts now. */
    public static PipelineAttempt started(long epoch, long atMillis) {
        return new PipelineAttempt(epoch, atMillis, 0, 0, Optional.empty(), Optional.empty());
    }

    /** This run, ended at {@code atMillis} for {@code why}. */
    public PipelineAttempt ended(long runningAt, long atMillis, String why, Optional<String> worker) {
        return new PipelineAttempt(epoch, startedAtMillis, runningAt, atMillis, Optional.of(why), worker);
    }
}
