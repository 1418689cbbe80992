package dev.skein.cluster;

/** The life of a pipeline, as the coordinator records it in the plan. */
public enum PipelineState {
    /** Tasks are placed and running. */
    RUNNING,
    /** An ingest pipeline was told its input is complete: sources end, every task flushes. */
    DRAINING,
    /**
     * A run failed for an infrastructure reason; the coordinator places the pipeline again under
     * a new epoch after the restart backoff. Workers stop the failed run's tasks.
     */
    RESTARTING,
    /** Every task finished; sinks are moving their staged output into place. */
    COMMITTING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
