package dev.skein.spec;

/**
 * How large a pipeline may be, so that one submission cannot exhaust the coordinator's heap, the
 * cluster's ZooKeeper (a plan is one node of at most 1 MB) or the submit lock.
 *
 * @param maxParallelism most tasks of one stage ({@code parallelism:})
 * @param maxStages most stages of one pipeline
 * @param maxSpecBytes largest pipeline file, in UTF-8 bytes
 */
public record SpecLimits(int maxParallelism, int maxStages, int maxSpecBytes) {
    /** What a coordinator enforces unless configured otherwise: 256 tasks a stage, 64 stages, 1 MiB. */
    public static final SpecLimits DEFAULT = new SpecLimits(256, 64, 1 << 20);

    /** No limit: for re-reading a plan the coordinator accepted under its own limits. */
    public static final SpecLimits NONE = new SpecLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    /** Checks that every limit is positive. */
    public SpecLimits {
        if (maxParallelism < 1 || maxStages < 1 || maxSpecBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: parallelism " + maxParallelism + ", stages "
                    + maxStages + ", spec bytes " + maxSpecBytes);
        }
    }

    /** These limits with another maximum parallelism. */
    public SpecLimits withMaxParallelism(int max) {
        return new SpecLimits(max, maxStages, maxSpecBytes);
    }

    /** These limits with another maximum number of stages. */
    public SpecLimits withMaxStages(int max) {
        return new SpecLimits(maxParallelism, max, maxSpecBytes);
    }
}
