package dev.skein.examples;

import dev.skein.testing.TestingPipelines;
import static dev.skein.testing.TestingPipelines.assertParquetEquals;
import static dev.skein.testing.TestingPipelines.duckDbRows;
import static dev.skein.testing.TestingPipelines.stageRowsOut;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import dev.skein.spi.plugin.TestingPluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example pipeline, run as written on a local cluster (embedded ZooKeeper, the coordinator,
 * three worker processes), its output compared with DuckDB computing the same answer; and a
 * transform that exists only in a plugin jar, and one that throws.
 */
class TestExamplePipelines {
    /** A transform compiled into the plugins directory only: not on any class path. */
    static final String PLUGIN_CLASS = "com.example.plugin.Negate";

    private static final String PLUGIN_SOURCE = """
            package com.example.plugin;

            import dev.skein.spi.BatchEmitter;
            import dev.skein.spi.BatchTransform;
            import dev.skein.spi.TransformContext;
            import java.util.ArrayList;
            import java.util.List;
            import org.apache.arrow.vector.BigIntVector;
            import org.apache.arrow.vector.FieldVector;
            import org.apache.arrow.vector.VectorSchemaRoot;
            import org.apache.arrow.vector.types.pojo.ArrowType;
            import org.apache.arrow.vector.types.pojo.Field;
            import org.apache.arrow.vector.types.pojo.Schema;

            /** Adds the negated value of a BIGINT column. */
            public final class Negate implements BatchTransform {
                private TransformContext context;
                private String column;
                private List<Field> fields;

                @Override
                public void open(TransformContext context) {
                    this.context = context;
                    this.column = (String) context.config().get("column");
                }

                @Override
                public Schema outputSchema(Schema input) {
                    fields = new ArrayList<>(input.getFields());
                    fields.add(Field.nullable("minus_" + column, new ArrowType.Int(64, true)));
                    return new Schema(fields);
                }

                @Override
                public void apply(VectorSchemaRoot input, BatchEmitter out) {
                    BigIntVector values = (BigIntVector) input.getVector(column);
                    try (BigIntVector negated = new BigIntVector(fields.get(fields.size() - 1), context.allocator())) {
                        negated.allocateNew(input.getRowCount());
                        for (int row = 0; row < input.getRowCount(); row++) {
                            negated.set(row, -values.get(row));
                        }
                        negated.setValueCount(input.getRowCount());
                        List<FieldVector> vectors = new ArrayList<>(input.getFieldVectors());
                        vectors.add(negated);
                        out.emit(new VectorSchemaRoot(fields, vectors, input.getRowCount()));
                    }
                }
            }
            """;

    private static Path plugins;
    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        plugins = Files.createTempDirectory("skein-plugins-");
        TestingPluginJars.compile(plugins.resolve("negate.jar"), Map.of(PLUGIN_CLASS, PLUGIN_SOURCE));
        cluster = LocalCluster.start(3, "384m", 1, Optional.of(plugins));
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void processedAddsAColumnToEveryBatchLikeTheLetsqlExchanger() throws Exception {
        Path file = TestingExamples.copy("processed.yaml", dir);

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        assertThat(stageRowsOut(view)).containsExactly(1_000_000L, 1_000_000L);
        assertParquetEquals(dir.resolve("out/processed"),
                "SELECT *, true AS processed FROM (" + TestingExamples.sourceSql(file) + ")");
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    @Test
    void topKKeepsTheLargestOrdersOfEveryCustomer() throws Exception {
        Path file = TestingExamples.copy("top-k.yaml", dir);

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        assertThat(stageRowsOut(view)).containsExactly(2_000_000L, 3_000L);
        assertParquetEquals(dir.resolve("out/top-k"), """
                SELECT * FROM (%s)
                QUALIFY row_number() OVER (PARTITION BY customer ORDER BY amount DESC) <= 3"""
                .formatted(TestingExamples.sourceSql(file)));
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    @Test
    void mixedChainsSqlAndJavaStages() throws Exception {
        Path file = TestingExamples.copy("mixed.yaml", dir);

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        String expected = """
                WITH large AS (SELECT * FROM (%s) WHERE amount >= 100),
                     top AS (SELECT * FROM large
                             QUALIFY row_number() OVER (PARTITION BY customer ORDER BY amount DESC) <= 5)
                SELECT customer, count(*) AS orders, sum(amount) AS top_amount, min(amount) AS fifth,
                       max(ordered_at) AS latest, bool_and(true) AS all_checked
                FROM top GROUP BY customer ORDER BY customer"""
                .formatted(TestingExamples.sourceSql(file));
        assertParquetEquals(dir.resolve("out/mixed"), expected);
        assertThat(duckDbRows("SELECT * FROM read_parquet('" + dir.resolve("out/mixed") + "/*.parquet')"))
                .as("in order")
                .isEqualTo(duckDbRows(expected));
        assertThat(stageRowsOut(view)).last().isEqualTo(500L);
        assertThat(view.path("result").path("rows").get(0).get(0).asText()).isEqualTo("customer-0");
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    @Test
    void aTransformFromAPluginJarRunsOnTheWorkers() throws Exception {
        Path file = write("plugin.yaml", """
                name: plugin
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(300000) t(i)
                stages:
                  - name: negate
                    java: {class: %s, config: {column: id}}
                    parallelism: 3
                sinks:
                  - type: parquet
                    path: out/plugin
                """.formatted(PLUGIN_CLASS));

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        assertParquetEquals(dir.resolve("out/plugin"), "SELECT i AS id, -i AS minus_id FROM range(300000) t(i)");
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    @Test
    void aThrowingTransformFailsThePipelineWithStageClassAndMessageAndTheWorkersStayHealthy() throws Exception {
        Path file = write("explode.yaml", """
                name: explode
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(500000) t(i)
                  batch-rows: 10000
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                  - name: boom
                    java:
                      class: dev.skein.examples.TestingFaultyTransforms$Explodes
                      config: {rows: 250000}
                sinks:
                  - type: parquet
                    path: out/explode
                """);

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).isEqualTo("FAILED");
        assertThat(view.path("failure").asText()).isEqualTo("stage 'boom' task 0 failed:"
                + " dev.skein.examples.TestingFaultyTransforms$Explodes.apply threw IllegalStateException: more than"
                + " 250000 rows");
        assertThat(dir.resolve("out")).doesNotExist();
        TestingPipelines.assertNoArrowMemoryHeld(cluster);

        JsonNode after = TestingPipelines.run(cluster, write("after.yaml", """
                name: after-boom
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(100000) t(i)
                stages:
                  - name: mark
                    java: dev.skein.examples.MarkProcessed
                sinks:
                  - type: count
                """));
        assertThat(after.path("state").asText()).as("workers stay healthy after a failed transform")
                .isEqualTo("SUCCEEDED");
        assertThat(stageRowsOut(after)).containsExactly(100_000L, 100_000L);
    }

    private Path write(String name, String yaml) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }
}
