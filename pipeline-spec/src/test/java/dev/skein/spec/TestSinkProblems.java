package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Problems in {@code sinks:}, with exact messages and positions. */
class TestSinkProblems {
    @Test
    void unknownSinkType() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        sinks:
                          - type: cvs
                            path: out
                          - type: s3
                        """))
                .containsExactly(
                        "p.yaml:5:11: error: unknown sink type 'cvs'; did you mean 'csv'?",
                        "p.yaml:7:11: error: unknown sink type 's3'; valid types: parquet, csv, count, duckdb");
    }

    @Test
    void sinkTypeNotSupportedYet() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        sinks:
                          - type: duckdb
                          - type: flight
                          - type: duckdb
                            table: 1bad
                          - type: duckdb
                            table: Skein_undo_7_orders
                        """))
                .containsExactly(
                        "p.yaml:5:5: error: sink #1 of type 'duckdb' is missing required key 'table'",
                        "p.yaml:6:11: error: sink type 'flight' is not supported yet",
                        "p.yaml:8:12: error: table name '1bad' must match [A-Za-z_][A-Za-z0-9_]{0,62}",
                        "p.yaml:10:12: error: table name 'Skein_undo_7_orders' is reserved: names starting with"
                                + " 'skein_' belong to Skein's sinks (staging tables, undo copies)");
    }

    @Test
    void sinkKeys() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        sinks:
                          - type: parquet
                          - type: count
                            path: out
                          - path: out
                          - type: csv
                            path: ""
                        """))
                .containsExactly(
                        "p.yaml:5:5: error: sink #1 of type 'parquet' is missing required key 'path'",
                        "p.yaml:7:5: error: key 'path' does not apply to sink type 'count'; valid keys: type",
                        "p.yaml:8:5: error: sink #3 is missing required key 'type'",
                        "p.yaml:10:11: error: 'path' must be a non-empty string, got ''");
    }
}
