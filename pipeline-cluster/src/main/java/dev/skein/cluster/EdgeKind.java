package dev.skein.cluster;

/**
 * How the tasks of one stage send their output to the tasks of the next. Decided by the
 * coordinator when it plans and written into the plan; workers execute it as written.
 */
public enum EdgeKind {
    /** Task i sends everything to task i of the next stage (same parallelism, no re-partitioning). */
    FORWARD,
    /** Every task sends everything to the next stage's single task. */
    GATHER,
    /** Every task spreads its batches over all the next stage's tasks in turn. */
    ROUND_ROBIN,
    /** Every task splits each batch by the hash of the next stage's {@code partition-by} columns. */
    HASH
}
