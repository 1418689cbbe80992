package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Problems in {@code source:}, with exact messages and positions. */
class TestSourceProblems {
    @Test
    void unknownSourceType() {
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: parket
                          path: in.parquet
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:3:9: error: unknown source type 'parket'; did you mean 'parquet'?");
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: kafka
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:3:9: error: unknown source type 'kafka'; valid types: generate, parquet, csv, ingest");
    }

    @Test
    void ingestSourceDeclaresItsSchema() {
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: ingest
                          sql: SELECT 1
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly(
                        "p.yaml:2:1: error: source of type 'ingest' is missing required key 'schema'",
                        "p.yaml:4:3: error: key 'sql' does not apply to source type 'ingest'; valid keys: type, schema, batch-rows");
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: ingest
                          schema: [id]
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:4:11: error: 'schema' must map column names to DuckDB types, got a list");
    }

    @Test
    void sourceTypeNotSupportedYet() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: flight}
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:2:16: error: source type 'flight' is not supported yet");
    }

    @Test
    void sourceMissingKeys() {
        assertThat(problems(
                        """
                        name: w1
                        source:
                          batch-rows: 10
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:2:1: error: source is missing required key 'type'");
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: generate
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:2:1: error: source of type 'generate' is missing required key 'sql'");
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: csv
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:2:1: error: source of type 'csv' is missing required key 'path'");
    }

    @Test
    void sourceKeyForAnotherType() {
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: generate
                          sql: SELECT 1 AS x
                          path: in.parquet
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly(
                        "p.yaml:5:3: error: key 'path' does not apply to source type 'generate'; valid keys: type, sql, batch-rows");
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: parquet
                          sql: SELECT 1 AS x
                          path: in.parquet
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly(
                        "p.yaml:4:3: error: key 'sql' does not apply to source type 'parquet'; valid keys: type, path, batch-rows");
    }

    @Test
    void invalidPath() {
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: parquet
                          path: "in\\0.parquet"
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:4:9: error: 'path' must be a valid path, got 'in\\u0000.parquet'");
    }
}
