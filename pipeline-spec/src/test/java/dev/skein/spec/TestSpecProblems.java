package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Problems with the file as a whole and its top level, with exact messages and positions. */
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
    void yamlLimitExceeded() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [");
        for (int i = 0; i < 60; i++) {
            yaml.append("*a, ");
        }
        yaml.append("*a]\n");

        assertThat(problems(yaml.toString()))
                .containsExactly("p.yaml:1:1: error: number of aliases for non-scalar nodes exceeds the specified max=50");
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
                        "p.yaml:5:3: error: unknown key 'foo' in source; valid keys: type, sql, path, schema, batch-rows",
                        "p.yaml:9:5: error: unknown key 'window' in stage 'copy'; valid keys: name, sql, java, mode, parallelism, partition-by, timeout",
                        "p.yaml:12:5: error: unknown key 'format' in sink #1; valid keys: type, path, table",
                        "p.yaml:13:1: error: unknown key 'version' in pipeline; valid keys: name, source, stages, sinks, placement, restart");
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
                        "p.yaml:7:5: error: stage 'filter' is missing required key 'sql' or 'java'",
                        "p.yaml:7:11: error: duplicate stage name 'filter' (first defined at 4:5)",
                        "p.yaml:8:11: error: unknown stage mode 'finall'; did you mean 'final'?",
                        "p.yaml:10:5: error: sink #1 of type 'duckdb' is missing required key 'table'",
                        "p.yaml:12:9: error: unknown source type 'parket'; did you mean 'parquet'?",
                        "p.yaml:13:15: error: 'batch-rows' must be a positive integer, got 'lots'");
    }
}
