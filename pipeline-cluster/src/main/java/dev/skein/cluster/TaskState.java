package dev.skein.cluster;

/** The life of one task, as its worker records it. */
public enum TaskState {
    /** Accepted by the worker, resources being set up. */
    STARTING,
    RUNNING,
    /** End of input reached and all output written (sinks: to staging). */
    FINISHED,
    /** Staged output moved into place (every task reports it, sink or not). */
    COMMITTED,
    FAILED,
    /** Stopped because the pipeline failed elsewhere or was cancelled. */
    CANCELLED;

    public boolean isTerminal() {
        return this == COMMITTED || this == FAILED || this == CANCELLED;
    }
}
