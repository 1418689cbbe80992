package dev.skein.coordinator.scheduling;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Why the current run of a pipeline failed.
 *
 * @param message what users read: names the task, the worker and the cause
 * @param workerId the worker to blame, when one is
 * @param retryable true for an infrastructure failure a restart may cure
 */
record RunFailure(String message, Optional<String> workerId, boolean retryable) {
    RunFailure {
        requireNonNull(message, "message is null");
        requireNonNull(workerId, "workerId is null");
    }
}
