package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingPipelines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus metrics as a user scrapes them: the coordinator lists its workers with their
 * {@code /metrics} URLs, and those endpoints count every row that went through each stage.
 */
class TestMetrics {
    private static final int ROWS = 300_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(2, "384m", 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void workersAndCoordinatorServeMetricsThatCountEveryRow() throws Exception {
        Path file = TestingPipelines.write(dir, "counted.yaml", """
                name: counted
                placement: spread
                source:
                  type: generate
                  sql: SELECT i AS id, i % 10 AS bucket FROM range(%d) t(i)
                  batch-rows: 10000
                stages:
                  - name: evens
                    sql: SELECT * FROM input WHERE id %% 2 = 0
                sinks:
                  - type: count
                """.formatted(ROWS));
        JsonNode end = TestingPipelines.run(cluster, file);
        assertThat(end.path("state").asText()).isEqualTo("SUCCEEDED");

        CoordinatorClient.ApiResponse workers = new CoordinatorClient(cluster.coordinatorUrl()).workers();
        assertThat(workers.status()).isEqualTo(200);
        assertThat(workers.body()).hasSize(2);
        List<String> scrapes = new ArrayList<>();
        for (JsonNode worker : workers.body()) {
            assertThat(worker.path("metricsUrl").asText()).startsWith("http://").endsWith("/metrics");
            assertThat(worker.path("heapUsedBytes").asLong()).isPositive();
            assertThat(worker.path("arrowBytes").isNumber()).isTrue();
            scrapes.add(get(worker.path("metricsUrl").asText()));
        }
        String all = String.join("\n", scrapes);

        assertThat(sum(all, "skein_task_rows_out_total", "pipeline=\"counted\",stage=\"source\"")).isEqualTo(ROWS);
        assertThat(sum(all, "skein_task_rows_in_total", "pipeline=\"counted\",stage=\"evens\"")).isEqualTo(ROWS);
        assertThat(sum(all, "skein_task_rows_out_total", "pipeline=\"counted\",stage=\"evens\"")).isEqualTo(ROWS / 2);
        assertThat(sum(all, "skein_task_batches_out_total", "pipeline=\"counted\",stage=\"source\""))
                .isEqualTo(ROWS / 10_000);
        // spread placement: every source batch crossed to the other worker over Flight
        assertThat(sum(all, "skein_edge_sent_bytes_total", "stage=\"source\",task=\"0\",transport=\"flight\""))
                .isEqualTo(sum(all, "skein_task_output_bytes_total", "pipeline=\"counted\",stage=\"source\""))
                .isPositive();
        assertThat(sum(all, "skein_task_duckdb_seconds_total", "stage=\"evens\"")).isPositive();
        assertThat(all).contains("skein_task_inbox_depth{", "skein_task_inbox_blocked_seconds_total{",
                "skein_task_send_seconds_total{", "skein_task_tap_dropped_total{", "skein_arrow_allocated_bytes{",
                "jvm_memory_used_bytes{");

        String coordinator = get(cluster.coordinatorUrl() + "/metrics");
        assertThat(sum(coordinator, "skein_workers", "")).isEqualTo(2);
        assertThat(sum(coordinator, "skein_pipelines", "state=\"SUCCEEDED\"")).isEqualTo(1);
        assertThat(coordinator).contains("jvm_memory_used_bytes{");
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    /** The sum of the samples of {@code metric} whose labels contain {@code labels}. */
    private static long sum(String text, String metric, String labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(text);
        double sum = 0;
        while (matcher.find()) {
            if (matcher.group(1) == null ? labels.isEmpty() : matcher.group(1).contains(labels)) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return Math.round(sum);
    }
}
