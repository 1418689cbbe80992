package dev.skein.cluster.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per key (a user name, a client address) in a fixed window: once a key has
 * failed {@code maxFailures} times, it is refused until its window ends, without checking a
 * password (which is also what keeps a flood of guesses from burning a core on PBKDF2). A success
 * clears the key. Memory is bounded: past {@link #MAX_KEYS} keys, ended windows are dropped, and if
 * that is not enough, all of them. Thread-safe.
 */
final class LoginThrottle {
    static final int MAX_KEYS = 100_000;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

    /** Failures of one key since {@code startMillis}. */
    private record Failures(int count, long startMillis) {}

    LoginThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** How long {@code key} is still refused, if it is. */
    Optional<Duration> refusedFor(String key) {
        Failures current = failures.get(key);
        long now = clock.millis();
        if (current == null || current.count() < maxFailures) {
            return Optional.empty();
        }
        long left = current.startMillis() + window.toMillis() - now;
        if (left <= 0) {
            failures.remove(key, current);
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(left));
    }

    void failed(String key) {
        long now = clock.millis();
        if (failures.size() >= MAX_KEYS) {
            failures.values().removeIf(old -> old.startMillis() + window.toMillis() <= now);
            if (failures.size() >= MAX_KEYS) {
                // a flood of distinct keys: forgetting is better than running out of memory
                failures.clear();
            }
        }
        failures.merge(key, new Failures(1, now), (old, one) -> old.startMillis() + window.toMillis() <= now
                ? one
                : new Failures(old.count() + 1, old.startMillis()));
    }

    void succeeded(String key) {
        failures.remove(key);
    }
}
