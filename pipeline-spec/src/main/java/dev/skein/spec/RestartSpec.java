package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How often a bounded pipeline is run again after an infrastructure failure (a lost worker, an
 * expired ZooKeeper session, an unreachable node), and how long the coordinator waits first. User
 * errors are never retried. YAML: {@code restart: {attempts: 3, backoff: 1s}}.
 *
 * @param attempts restarts after the first run, 0 for none
 * @param backoff the wait before the first restart; each further restart waits twice as long as
 *     the one before
 */
public record RestartSpec(int attempts, Duration backoff) {
    /** What a pipeline without a {@code restart} key gets: 3 attempts, 1 s backoff. */
    public static final RestartSpec DEFAULT = new RestartSpec(3, Duration.ofSeconds(1));

    /** The longest wait between two attempts, however many came before. */
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** Checks that attempts is not negative and backoff is not null or negative. */
    public RestartSpec {
        requireNonNull(backoff, "backoff is null");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative: " + backoff);
        }
    }

    /**
     * The wait before restart number {@code attempt} (1 for the first restart): {@code backoff *
     * 2^(attempt - 1)}, at most {@link #MAX_BACKOFF}.
     */
    public Duration backoffBefore(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
        }
        Duration wait = backoff;
        for (int i = 1; i < attempt && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }
}
