package dev.skein.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.spec.GenerateSourceSpec;
import dev.skein.spec.SpecParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Test fixture: runs the example pipeline files on a local cluster and compares what they wrote
 * with DuckDB computing the same answer.
 */
final class TestingExamples {
    /** The example pipelines, relative to this module's directory (the tests' working directory). */
    static final Path PIPELINES = Path.of("pipelines");

    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestingExamples() {}

    /**
     * Copies an example to {@code dir/examples/pipelines/}, so that its sink paths ({@code
     * ../../out/x}) land in {@code dir/out/x}.
     */
    static Path copy(String example, Path dir) throws Exception {
        Path target = Files.createDirectories(dir.resolve("examples/pipelines")).resolve(example);
        Files.copy(PIPELINES.resolve(example), target);
        return target;
    }

    /** The generate source's query of a pipeline file, to compute its answer directly in DuckDB. */
    static String sourceSql(Path file) {
        return ((GenerateSourceSpec) SpecParser.parse(file).source()).sql();
    }

    /** Submits a file and waits until the pipeline ends; returns its final view. */
    static JsonNode run(LocalCluster cluster, Path file) throws Exception {
        String yaml = Files.readString(file);
        String name = SpecParser.parse(file).name();
        CoordinatorClient client = new CoordinatorClient(cluster.coordinatorUrl());
        CoordinatorClient.ApiResponse submitted = client.submit(file, name, yaml);
        assertThat(submitted.status()).as("submit answered %s", submitted.body()).isEqualTo(201);
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = client.get(name).body();
            return TERMINAL.contains(last[0].path("state").asText());
        });
        return last[0];
    }

    /** Rows of a DuckDB query as text, in order. */
    static List<List<String>> duckDbRows(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(result.getString(c));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /**
     * Asserts that the parquet files in {@code out} hold exactly the rows (as a multiset) and the
     * column names and types of {@code expectedSql}.
     */
    static void assertParquetEquals(Path out, String expectedSql) throws Exception {
        String actual = "read_parquet('" + out + "/*.parquet')";
        String expected = "(" + expectedSql + ")";
        assertThat(duckDbRows("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + actual + ")"))
                .isEqualTo(duckDbRows("SELECT column_name, column_type FROM (DESCRIBE " + expectedSql + ")"));
        assertThat(duckDbRows("SELECT count(*) FROM " + actual))
                .isEqualTo(duckDbRows("SELECT count(*) FROM " + expected));
        assertThat(duckDbRows("SELECT count(*) FROM (SELECT * FROM " + actual + " EXCEPT ALL SELECT * FROM " + expected
                        + ")"))
                .as("rows written but not expected")
                .containsExactly(List.of("0"));
        assertThat(duckDbRows("SELECT count(*) FROM (SELECT * FROM " + expected + " EXCEPT ALL SELECT * FROM " + actual
                        + ")"))
                .as("rows expected but not written")
                .containsExactly(List.of("0"));
    }

    /** Rows out of each stage, source first. */
    static List<Long> stageRowsOut(JsonNode view) {
        List<Long> rows = new ArrayList<>();
        view.path("stages").forEach(stage -> rows.add(stage.path("rowsOut").asLong()));
        return rows;
    }

    /** Waits until every worker holds no Arrow memory: every task released what it allocated. */
    static void assertNoArrowMemoryHeld(LocalCluster cluster) throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String address : cluster.liveWorkerAddresses()) {
                String[] hostPort = address.split(":");
                try (FlightClient client = FlightClient.builder(allocator,
                                Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1])))
                        .build()) {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        JsonNode health = healthcheck(client);
                        assertThat(health.path("arrow_allocated_bytes").asLong())
                                .as("Arrow bytes held by worker %s", health.path("worker").asText())
                                .isZero();
                    });
                }
            }
        }
    }

    private static JsonNode healthcheck(FlightClient client) throws Exception {
        var results = client.doAction(new Action("healthcheck"));
        Result result = results.next();
        while (results.hasNext()) {
            results.next();
        }
        return MAPPER.readTree(new String(result.getBody(), StandardCharsets.UTF_8));
    }
}
