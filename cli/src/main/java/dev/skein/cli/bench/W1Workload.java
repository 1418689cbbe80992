package dev.skein.cli.bench;

import dev.skein.spec.Placement;

/** The W1 pipeline of DESIGN.md with a chosen row count, as YAML text. */
final class W1Workload {
    /** A stage that changes nothing, added after {@code filter} to measure what such a stage costs. */
    enum PassStage {
        NONE(""),
        SQL("""
                  - name: pass
                    sql: SELECT * FROM input
                """),
        JAVA("""
                  - name: pass
                    java: dev.skein.cli.bench.PassThrough
                """);

        private final String yaml;

        PassStage(String yaml) {
            this.yaml = yaml;
        }
    }

    private W1Workload() {}

    static String yaml(String name, long rows, Placement placement) {
        return yaml(name, rows, PassStage.NONE, placement);
    }

    static String yaml(String name, long rows, PassStage pass, Placement placement) {
        return """
                name: %s
                placement: %s
                source:
                  type: generate
                  sql: |
                    SELECT i AS id, 'c' || (i %% 8) AS category,
                           ((i * 7919) %% 1000) / 10.0 AS value,
                           TIMESTAMP '2026-01-01' + to_milliseconds(i) AS ts
                    FROM range(%d) t(i)
                  batch-rows: 65536
                stages:
                  - name: filter
                    sql: SELECT * FROM input WHERE value >= 25.0
                %s
                  - name: enrich
                    sql: SELECT *, value * 1.1 AS value_adj, id %% 100 AS bucket FROM input
                    parallelism: 2
                    partition-by: [category]
                  - name: totals
                    mode: final
                    sql: |
                      SELECT category, count(*) AS n, sum(value_adj) AS s,
                             min(ts) AS ts_min, max(ts) AS ts_max
                      FROM input GROUP BY category ORDER BY category
                sinks:
                  - type: count
                """.formatted(name, placement.yamlName(), rows, pass.yaml.stripTrailing());
    }

    /**
     * W1's per-batch stages ({@code filter}, {@code enrich}) behind an {@code ingest} source with
     * W1's columns and the time each batch was sent, {@code sent_us} (epoch microseconds).
     */
    static String latencyYaml(String name, Placement placement) {
        return """
                name: %s
                placement: %s
                source:
                  type: ingest
                  schema:
                    id: BIGINT
                    category: VARCHAR
                    value: DOUBLE
                    ts: TIMESTAMP
                    sent_us: BIGINT
                stages:
                  - name: filter
                    sql: SELECT * FROM input WHERE value >= 25.0
                  - name: enrich
                    sql: SELECT *, value * 1.1 AS value_adj, id %% 100 AS bucket FROM input
                    parallelism: 2
                    partition-by: [category]
                sinks:
                  - type: count
                """.formatted(name, placement.yamlName());
    }
}
