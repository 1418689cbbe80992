package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Problems in {@code stages:}, with exact messages and positions. */
class TestStageProblems {
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
    void timeoutsAreDurationsLongerThanZero() {
        assertThat(problems(
                        """
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: x
                            sql: SELECT * FROM input
                            timeout: 0s
                          - name: y
                            sql: SELECT * FROM input
                            timeout: soon
                          - name: z
                            sql: SELECT * FROM input
                            timeout: 30
                        """))
                .containsExactly(
                        "p.yaml:6:14: error: 'timeout' must be longer than 0, got '0s'",
                        "p.yaml:9:14: error: 'timeout' must be a duration such as 30s, 500ms or 10m, got 'soon'",
                        "p.yaml:12:14: error: 'timeout' must be a duration such as 30s, 500ms or 10m, got '30'");
        assertThat(TestingSpecs.parse("""
                        name: w1
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - {name: x, sql: SELECT * FROM input, timeout: 30s}
                          - {name: y, sql: SELECT * FROM input}
                        """).stages())
                .extracting(StageSpec::timeout)
                .containsExactly(java.util.Optional.of(java.time.Duration.ofSeconds(30)), java.util.Optional.empty());
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
    void autoParallelismIsOneTaskPerLiveWorkerAtPlanTime() {
        PipelineSpec spec = TestingSpecs.parse("""
                name: w1
                source: {type: generate, sql: SELECT 1 AS x}
                stages:
                  - {name: a, sql: SELECT * FROM input, parallelism: auto}
                  - {name: b, sql: SELECT * FROM input}
                """);

        assertThat(spec.stages().get(0).isAuto()).isTrue();
        assertThat(spec.withAutoParallelism(3).stages()).extracting(StageSpec::parallelism).containsExactly(3, 1);
        assertThat(spec.withAutoParallelism(0).stages()).extracting(StageSpec::parallelism).containsExactly(1, 1);
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
                        "p.yaml:6:18: error: 'parallelism' must be a positive integer or auto, got 'two'",
                        "p.yaml:9:18: error: 'parallelism' must be a positive integer or auto, got '-1'",
                        "p.yaml:12:18: error: 'parallelism' must be a positive integer or auto, got '1.5'",
                        "p.yaml:15:18: error: 'parallelism' must be at most 2147483647, got '3000000000'",
                        "p.yaml:18:17: error: 'parallelism' must be a positive integer or auto, got an empty value");
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
                        "p.yaml:4:5: error: stage 'enrich' is missing required key 'sql' or 'java'",
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
}
