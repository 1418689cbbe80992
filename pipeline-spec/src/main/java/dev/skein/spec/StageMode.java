package dev.skein.spec;

/** When a SQL stage runs its query. */
public enum StageMode {
    /** Once per incoming batch; the batch is the relation {@code input}. Stateless. */
    PER_BATCH,
    /** Once at end of input, over everything received; for aggregations. */
    FINAL;

    /** The spelling in YAML: {@code per-batch} or {@code final}. */
    public String yamlName() {
        return this == PER_BATCH ? "per-batch" : "final";
    }
}
