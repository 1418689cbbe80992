package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every kind of problem, with its exact message and position. */
class TestSpecProblems {
    @Test
    void emptyFile() {
        assertThat(problems("")).containsExactly("p.yaml:1:1: error: file is empty");
        assertThat(problems("# yaml-language-server: $schema=pipeline.schema.json\n\n"))
                .containsExactly("p.yaml:1:1: error: file is empty");
        assertThat(problems("---\n")).containsExactly("p.yaml:1:1: error: file is empty");
    }

    @Test
    void yamlSyntaxError() {
        assertThat(problems(
                        """
                        name: w1
                        stages: [a, b
                        """))
                .containsExactly(
                        "p.yaml:3:1: error: expected ',' or ']', but got <stream end> (while parsing a flow sequence at 2:9)");
        assertThat(problems(
                        """
                        name: w1
                        source: type: generate
                        """))
                .containsExactly("p.yaml:2:13: error: mapping values are not allowed here");
        assertThat(problems(
                        """
                        name: w1
                        ---
                        name: w2
                        """))
                .containsExactly("p.yaml:2:1: error: found another document (expected a single document in the stream at 1:1)");
    }

    @Test
    void topLevelNotAMapping() {
        assertThat(problems("- name: w1\n")).containsExactly("p.yaml:1:1: error: pipeline must be a mapping, got a list");
        assertThat(problems("w1\n")).containsExactly("p.yaml:1:1: error: pipeline must be a mapping, got 'w1'");
    }

    @Test
    void missingRequiredKeys() {
        assertThat(problems(
                        """
                        # yaml-language-server: $schema=pipeline.schema.json
                        name: w1
                        """))
                .containsExactly(
                        "p.yaml:2:1: error: pipeline is missing required key 'source'",
                        "p.yaml:2:1: error: pipeline is missing required key 'stages'");
    }

    @Test
    void unknownKeyWithSuggestion() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x, batch_rows: 10}
                        stages:
                          - name: enrich
                            sql: SELECT * FROM input
                            paralelism: 2
                            Mode: final
                        sink: []
                        """))
                .containsExactly(
                        "p.yaml:2:46: error: unknown key 'batch_rows' in source; did you mean 'batch-rows'?",
                        "p.yaml:6:5: error: unknown key 'paralelism' in stage 'enrich'; did you mean 'parallelism'?",
                        "p.yaml:7:5: error: unknown key 'Mode' in stage 'enrich'; did you mean 'mode'?",
                        "p.yaml:8:1: error: unknown key 'sink' in pipeline; did you mean 'sinks'?");
    }

    @Test
    void unknownKeyWithoutSuggestion() {
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: generate
                          sql: SELECT 1 AS x
                          foo: 1
                        stages:
                          - name: copy
                            sql: SELECT * FROM input
                            window: 10s
                        sinks:
                          - type: count
                            format: csv
                        version: 1
                        """))
                .containsExactly(
                        "p.yaml:5:3: error: unknown key 'foo' in source; valid keys: type, sql, path, batch-rows",
                        "p.yaml:9:5: error: unknown key 'window' in stage 'copy'; valid keys: name, sql, mode, parallelism, partition-by",
                        "p.yaml:12:5: error: unknown key 'format' in sink #1; valid keys: type, path",
                        "p.yaml:13:1: error: unknown key 'version' in pipeline; valid keys: name, source, stages, sinks");
    }

    @Test
    void duplicateKey() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: copy
                            sql: SELECT * FROM input
                            sql: SELECT 1
                        name: w2
                        """))
                .containsExactly(
                        "p.yaml:6:5: error: duplicate key 'sql' in stage 'copy' (first defined at 5:5)",
                        "p.yaml:7:1: error: duplicate key 'name' in pipeline (first defined at 1:1)");
    }

    @Test
    void keyThatIsNotAString() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: copy
                            sql: SELECT * FROM input
                            [a, b]: c
                        """))
                .containsExactly("p.yaml:6:5: error: keys in stage 'copy' must be strings, got a list");
    }

    @Test
    void invalidNames() {
        assertThat(problems(
                        """
                        name: W1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: 1st
                            sql: SELECT * FROM input
                          - name: [a]
                            sql: SELECT * FROM input
                        """))
                .containsExactly(
                        "p.yaml:1:7: error: pipeline name 'W1' must match [a-z][a-z0-9_-]*",
                        "p.yaml:4:11: error: stage name '1st' must match [a-z][a-z0-9_-]*",
                        "p.yaml:6:11: error: 'name' must be a string, got a list");
    }

    @Test
    void duplicateStageName() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: x
                            sql: SELECT * FROM input
                          - name: y
                            sql: SELECT * FROM input
                          - sql: SELECT * FROM input
                            name: x
                        """))
                .containsExactly("p.yaml:9:11: error: duplicate stage name 'x' (first defined at 4:5)");
    }

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
                .containsExactly("p.yaml:3:9: error: unknown source type 'kafka'; valid types: generate, parquet, csv");
    }

    @Test
    void sourceTypeNotSupportedYet() {
        assertThat(problems(
                        """
                        name: w1
                        source:
                          type: ingest
                        stages: [{name: copy, sql: SELECT * FROM input}]
                        """))
                .containsExactly("p.yaml:3:9: error: source type 'ingest' is not supported yet");
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
    void wrongShapes() {
        assertThat(problems(
                        """
                        name: w1
                        source: generate
                        stages: {name: copy}
                        sinks: count
                        """))
                .containsExactly(
                        "p.yaml:2:9: error: 'source' must be a mapping, got 'generate'",
                        "p.yaml:3:9: error: 'stages' must be a list, got a mapping",
                        "p.yaml:4:8: error: 'sinks' must be a list, got 'count'");
        assertThat(problems(
                        """
                        name: w1
                        source: {type: [generate]}
                        stages:
                          - copy
                          -
                        sinks:
                          - [count]
                        """))
                .containsExactly(
                        "p.yaml:2:16: error: 'type' must be a string, got a list",
                        "p.yaml:4:5: error: stage #1 must be a mapping, got 'copy'",
                        "p.yaml:5:4: error: stage #2 must be a mapping, got an empty value",
                        "p.yaml:7:5: error: sink #1 must be a mapping, got a list");
    }

    @Test
    void emptyStages() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages: []
                        """))
                .containsExactly("p.yaml:3:9: error: 'stages' must list at least one stage");
    }

    @Test
    void badPositiveIntegers() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x, batch-rows: 0}
                        stages:
                          - name: a
                            sql: SELECT * FROM input
                            parallelism: two
                          - name: b
                            sql: SELECT * FROM input
                            parallelism: -1
                          - name: c
                            sql: SELECT * FROM input
                            parallelism: 1.5
                          - name: d
                            sql: SELECT * FROM input
                            parallelism: 3000000000
                          - name: e
                            sql: SELECT * FROM input
                            parallelism:
                        """))
                .containsExactly(
                        "p.yaml:2:58: error: 'batch-rows' must be a positive integer, got '0'",
                        "p.yaml:6:18: error: 'parallelism' must be a positive integer, got 'two'",
                        "p.yaml:9:18: error: 'parallelism' must be a positive integer, got '-1'",
                        "p.yaml:12:18: error: 'parallelism' must be a positive integer, got '1.5'",
                        "p.yaml:15:18: error: 'parallelism' must be at most 2147483647, got '3000000000'",
                        "p.yaml:18:17: error: 'parallelism' must be a positive integer, got an empty value");
    }

    @Test
    void stageMissingKeys() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: enrich
                            parallelism: 2
                          - sql: SELECT * FROM input
                        """))
                .containsExactly(
                        "p.yaml:4:5: error: stage 'enrich' is missing required key 'sql'",
                        "p.yaml:6:5: error: stage #2 is missing required key 'name'");
    }

    @Test
    void emptySql() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: ''}
                        stages:
                          - name: a
                            sql:
                          - name: b
                            sql: |

                          - name: c
                            sql: [SELECT 1]
                        """))
                .containsExactly(
                        "p.yaml:2:31: error: 'sql' must be a non-empty string, got ''",
                        "p.yaml:5:9: error: 'sql' must be a non-empty string, got an empty value",
                        "p.yaml:7:10: error: 'sql' must be a non-empty string, got ''",
                        "p.yaml:10:10: error: 'sql' must be a non-empty string, got a list");
    }

    @Test
    void javaStage() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: custom
                            java: com.example.Enrich
                        """))
                .containsExactly("p.yaml:5:5: error: java stages are not supported yet");
    }

    @Test
    void unknownStageMode() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: a
                            sql: SELECT * FROM input
                            mode: finl
                          - name: b
                            sql: SELECT * FROM input
                            mode: streaming
                        """))
                .containsExactly(
                        "p.yaml:6:11: error: unknown stage mode 'finl'; did you mean 'final'?",
                        "p.yaml:9:11: error: unknown stage mode 'streaming'; valid modes: per-batch, final");
    }

    @Test
    void badPartitionBy() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: a
                            sql: SELECT * FROM input
                            partition-by: category
                          - name: b
                            sql: SELECT * FROM input
                            partition-by: [category, '', {x: 1}, category]
                        """))
                .containsExactly(
                        "p.yaml:6:19: error: 'partition-by' must be a list, got 'category'",
                        "p.yaml:9:30: error: 'partition-by' entries must be non-empty strings, got ''",
                        "p.yaml:9:34: error: 'partition-by' entries must be non-empty strings, got a mapping",
                        "p.yaml:9:42: error: duplicate entry 'category' in 'partition-by'");
    }

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
                        "p.yaml:7:11: error: unknown sink type 's3'; valid types: parquet, csv, count");
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
                        """))
                .containsExactly(
                        "p.yaml:5:11: error: sink type 'duckdb' is not supported yet",
                        "p.yaml:6:11: error: sink type 'flight' is not supported yet");
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

    @Test
    void manyProblemsAtOnceInFileOrder() {
        assertThat(problems(
                        """
                        # yaml-language-server: $schema=pipeline.schema.json
                        name: Orders
                        stages:
                          - name: filter
                            sql: SELECT * FROM input WHERE amount > 0
                            paralelism: 2
                          - name: filter
                            mode: finall
                        sinks:
                          - type: duckdb
                        source:
                          type: parket
                          batch-rows: lots
                        """))
                .containsExactly(
                        "p.yaml:2:7: error: pipeline name 'Orders' must match [a-z][a-z0-9_-]*",
                        "p.yaml:6:5: error: unknown key 'paralelism' in stage 'filter'; did you mean 'parallelism'?",
                        "p.yaml:7:5: error: stage 'filter' is missing required key 'sql'",
                        "p.yaml:7:11: error: duplicate stage name 'filter' (first defined at 4:5)",
                        "p.yaml:8:11: error: unknown stage mode 'finall'; did you mean 'final'?",
                        "p.yaml:10:11: error: sink type 'duckdb' is not supported yet",
                        "p.yaml:12:9: error: unknown source type 'parket'; did you mean 'parquet'?",
                        "p.yaml:13:15: error: 'batch-rows' must be a positive integer, got 'lots'");
    }
}
