package dev.skein.coordinator.scheduling;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.PipelinePlan;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How long finished pipelines (succeeded, failed, cancelled) stay in ZooKeeper, visible in {@code
 * status}: at most {@code keep} of them, none finished longer than {@code keepFor} ago. Removing
 * a plan removes it from every node's cache too.
 *
 * @param keep most finished pipelines kept, newest first
 * @param keepFor how long a finished pipeline is kept
 */
public record Retention(int keep, Duration keepFor) {
    /** 100 finished pipelines, for an hour. */
    public static final Retention DEFAULT = new Retention(100, Duration.ofHours(1));

    /** Checks the values. */
    public Retention {
        requireNonNull(keepFor, "keepFor is null");
        if (keep < 0 || keepFor.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative: " + keep + ", " + keepFor);
        }
    }

    /** The finished plans to remove now, of {@code plans}, at wall-clock {@code nowMillis}. */
    List<PipelinePlan> expired(List<PipelinePlan> plans, long nowMillis) {
        List<PipelinePlan> finished = plans.stream()
                .filter(plan -> plan.state().isTerminal())
                .sorted(Comparator.comparingLong(PipelinePlan::finishedAtMillis).reversed())
                .toList();
        long oldest = nowMillis - keepFor.toMillis();
        return IntStream.range(0, finished.size())
                .filter(rank -> rank >= keep || finished.get(rank).finishedAtMillis() < oldest)
                .mapToObj(finished::get)
                .toList();
    }
}
