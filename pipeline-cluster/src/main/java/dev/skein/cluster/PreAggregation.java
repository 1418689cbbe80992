package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

/**
 * A {@code final} stage whose GROUP BY the coordinator split in two, as Flink SQL and Spark split
 * an aggregation around a shuffle: every task of the stage before it runs {@code partialSql} over
 * all of its own output (as the relation {@code input}) and sends only that result, and the final
 * stage runs {@code combineSql} over the partial rows instead of the SQL as written. The two give
 * exactly the columns, types and rows of the stage's own SQL (checked by the binder in DuckDB).
 *
 * @param stage the final stage (1-based, as in the plan; its upstream is {@code stage - 1})
 * @param partialSql what each upstream task runs over its output
 * @param combineSql what the final stage runs over every partial row
 */
public record PreAggregation(int stage, String partialSql, String combineSql) {
    public PreAggregation {
        if (stage < 1) {
            throw new IllegalArgumentException("a pre-aggregated stage has an upstream: stage " + stage);
        }
        requireNonNull(partialSql, "partialSql is null");
        requireNonNull(combineSql, "combineSql is null");
    }
}
