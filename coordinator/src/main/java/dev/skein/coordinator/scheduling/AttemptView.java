package dev.skein.coordinator.scheduling;

import java.util.Optional;

/**
 * One run of a pipeline, as users see it: a pipeline restarted after a lost worker lists several.
 *
 * @param attempt 1 for the first run
 * @param epoch the run's plan epoch
 * @param startedAtMillis wall-clock time the run was placed
 * @param runningAtMillis wall-clock time its last task started (rows flowing), 0 before
 * @param endedAtMillis wall-clock time its failure was seen, 0 for the current run
 * @param cause why it ended
 * @param worker the worker whose loss or failure ended it
 * @param recoveryMillis for a restart: from the previous run's failure to this run's rows flowing
 */
public record AttemptView(
        int attempt,
        long epoch,
        long startedAtMillis,
        long runningAtMillis,
        long endedAtMillis,
        Optional<String> cause,
        Optional<String> worker,
        Optional<Long> recoveryMillis) {}
