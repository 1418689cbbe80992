package dev.skein.spec;

/** How the coordinator places a pipeline's tasks on workers. */
public enum Placement {
    /**
     * Consecutive stages joined one-to-one (same parallelism, no {@code partition-by}) run in the
     * same worker process, handing batches over in memory; every other edge crosses processes.
     * The default: one Flight hop less per such edge.
     */
    CHAIN,
    /** Every stage's tasks on workers other than the previous stage's, when there are enough. */
    SPREAD;

    /** The spelling in YAML: {@code chain} or {@code spread}. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
