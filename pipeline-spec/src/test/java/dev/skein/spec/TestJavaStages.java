package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.parse;
import static dev.skein.spec.TestingSpecs.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code java:} stages: both forms, config values, and every problem with its exact position. */
class TestJavaStages {
    @Test
    void readsClassAndConfigInOrder() {
        PipelineSpec spec = parse(
                """
                name: p
                source: {type: generate, sql: SELECT 1 AS x}
                stages:
                  - name: enrich
                    java:
                      class: com.example.Enrich
                      config:
                        column: processed
                        limit: 1_000
                        ratio: 0.5
                        enabled: yes
                        quoted: '42'
                        day: 2026-01-01
                        tags: [a, 2, false]
                        nested: {z: 1, a: [x]}
                    parallelism: 2
                    partition-by: [x]
                  - name: short
                    java: com.example.Outer$Inner
                """);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("column", "processed");
        config.put("limit", 1000L);
        config.put("ratio", 0.5);
        config.put("enabled", true);
        config.put("quoted", "42");
        config.put("day", "2026-01-01");
        config.put("tags", List.of("a", 2L, false));
        config.put("nested", Map.of("z", 1L, "a", List.of("x")));
        assertThat(spec.stages())
                .containsExactly(
                        new StageSpec(
                                "enrich",
                                new Location(4, 5),
                                new JavaTransformSpec(
                                        "com.example.Enrich", new Location(6, 14), config, new Location(6, 7)),
                                2,
                                List.of("x")),
                        new StageSpec(
                                "short",
                                new Location(18, 5),
                                new JavaTransformSpec(
                                        "com.example.Outer$Inner", new Location(19, 11), Map.of(), new Location(19, 11)),
                                1,
                                List.of()));
        JavaTransformSpec enrich = (JavaTransformSpec) spec.stages().get(0).transform();
        assertThat(enrich.config().keySet())
                .containsExactly("column", "limit", "ratio", "enabled", "quoted", "day", "tags", "nested");
        assertThat(List.copyOf(((Map<?, ?>) enrich.config().get("nested")).keySet())).isEqualTo(List.of("z", "a"));
        assertThatThrownBy(() -> enrich.config().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) enrich.config().get("tags")).clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void exactlyOneOfSqlAndJava() {
        assertThat(problems(
                        """
                        name: p
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: both
                            sql: SELECT * FROM input
                            java: com.example.Enrich
                          - name: neither
                            parallelism: 2
                        """))
                .containsExactly(
                        "p.yaml:6:5: error: stage 'both' has both 'sql' and 'java'; a stage runs one of them",
                        "p.yaml:7:5: error: stage 'neither' is missing required key 'sql' or 'java'");
    }

    @Test
    void modeAppliesOnlyToSql() {
        assertThat(problems(
                        """
                        name: p
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: custom
                            java: {class: com.example.Enrich}
                            mode: final
                        """))
                .containsExactly("p.yaml:6:5: error: key 'mode' does not apply to java stages; a java transform"
                        + " emits at end of input from finish()");
    }

    @Test
    void badJavaValues() {
        assertThat(problems(
                        """
                        name: p
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: a
                            java: [com.example.Enrich]
                          - name: b
                            java:
                          - name: c
                            java: com.example.
                          - name: d
                            java: {clas: com.example.Enrich, config: {}}
                          - name: e
                            java: {class: 'com example'}
                          - name: f
                            java: {class: com.example.Enrich, config: [x]}
                        """))
                .containsExactly(
                        "p.yaml:5:11: error: 'java' must be a class name or a mapping with 'class' and 'config',"
                                + " got a list",
                        "p.yaml:7:10: error: 'java' must be a class name or a mapping with 'class' and 'config',"
                                + " got an empty value",
                        "p.yaml:9:11: error: 'class' must be a Java class name such as com.example.Enrich,"
                                + " got 'com.example.'",
                        "p.yaml:11:11: error: java of stage 'd' is missing required key 'class'",
                        "p.yaml:11:12: error: unknown key 'clas' in java of stage 'd'; did you mean 'class'?",
                        "p.yaml:13:19: error: 'class' must be a Java class name such as com.example.Enrich,"
                                + " got 'com example'",
                        "p.yaml:15:47: error: 'config' must be a mapping, got a list");
    }

    @Test
    void badConfigValues() {
        assertThat(problems(
                        """
                        name: p
                        source: {type: generate, sql: SELECT 1 AS x}
                        stages:
                          - name: a
                            java:
                              class: com.example.Enrich
                              config:
                                empty:
                                list: [1, ~]
                                huge: 99999999999999999999
                                [k]: 1
                                nested: {x: 1, x: 2}
                        """))
                .containsExactly(
                        "p.yaml:8:15: error: 'config.empty' must not be empty; quote it ('') for an empty string",
                        "p.yaml:9:19: error: 'config.list[1]' must not be empty; quote it ('') for an empty string",
                        "p.yaml:10:15: error: 'config.huge' must be at most 9223372036854775807 and at least"
                                + " -9223372036854775808, got '99999999999999999999'",
                        "p.yaml:11:9: error: keys in 'config' must be strings, got a list",
                        "p.yaml:12:24: error: duplicate key 'x' in 'config.nested' (first defined at 12:18)");
    }
}
