package dev.skein.tests.deploy;

import static dev.skein.tests.deploy.TestingDeployFiles.deploy;
import static dev.skein.tests.deploy.TestingDeployFiles.document;
import static dev.skein.tests.deploy.TestingDeployFiles.repository;
import static dev.skein.tests.deploy.TestingDeployFiles.stringAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The container demo end to end, exactly as a user runs it: {@code docker compose up} of
 * deploy/docker-compose.yml with three workers (the image built from deploy/Dockerfile), the
 * one-shot demo service submitting W1, and W1's result read back over the coordinator's REST API
 * and compared with DuckDB computing the same query directly. Needs a Docker engine and
 * {@code docker compose}: skipped where none runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestComposeDemo {
    private static final int HTTP_PORT = 8080;
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    @Container
    private static final ComposeContainer COMPOSE = new ComposeContainer(
                    deploy("docker-compose.yml").toFile())
            .withBuild(true)
            .withScaledService("worker", 3)
            .withExposedService(
                    "coordinator",
                    1,
                    HTTP_PORT,
                    Wait.forHttp("/ping")
                            .forResponsePredicate("pong"::equals)
                            .withStartupTimeout(Duration.ofMinutes(15)));

    @Test
    void demoServiceRunsW1AcrossThreeWorkerContainers() throws Exception {
        String url = "http://" + COMPOSE.getServiceHost("coordinator", HTTP_PORT) + ":"
                + COMPOSE.getServicePort("coordinator", HTTP_PORT);
        CoordinatorClient client = new CoordinatorClient(url);

        JsonNode[] view = new JsonNode[1];
        // The demo service submits W1 once the workers are healthy; until then w1 is unknown (404).
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    CoordinatorClient.ApiResponse response = client.get("w1");
                    view[0] = response.body();
                    return response.ok()
                            && TERMINAL.contains(view[0].path("state").asText());
                });

        assertThat(view[0].path("state").asText())
                .as("failure: %s", view[0].path("failure"))
                .isEqualTo("SUCCEEDED");
        List<List<String>> expected = expectedW1Result();
        assertThat(expected).hasSize(8);
        JsonNode rows = view[0].path("result").path("rows");
        assertThat(rows).hasSize(8);
        for (int i = 0; i < 8; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get(0).asText()).isEqualTo(expected.get(i).get(0));
            assertThat(row.get(1).asLong())
                    .isEqualTo(Long.parseLong(expected.get(i).get(1)));
            double sum = Double.parseDouble(expected.get(i).get(2));
            assertThat(row.get(2).asDouble()).isCloseTo(sum, within(Math.abs(sum) * 1e-9));
        }

        List<String> workers = new ArrayList<>();
        view[0].path("stages").forEach(stage -> stage.path("workers").forEach(worker -> workers.add(worker.asText())));
        assertThat(workers.stream().distinct().count())
                .as("workers used: %s", workers)
                .isGreaterThan(1);

        // The parquet sink's output is on the volume every node mounts; look from the coordinator.
        ContainerState coordinator =
                COMPOSE.getContainerByServiceName("coordinator").orElseThrow();
        assertThat(coordinator.execInContainer("ls", "/opt/skein/out/w1").getStdout())
                .contains("part-0.parquet");
    }

    /** W1's answer computed by DuckDB in this JVM, from the source SQL of the very file submitted. */
    private static List<List<String>> expectedW1Result() throws Exception {
        String sourceSql = stringAt(document(repository().resolve("examples/pipelines/w1.yaml")), "source", "sql");
        String sql =
                """
                SELECT category, count(*) AS n, sum(value * 1.1) AS s
                FROM (%s) WHERE value >= 25.0 GROUP BY category ORDER BY category"""
                        .formatted(sourceSql);
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            while (result.next()) {
                rows.add(List.of(result.getString(1), result.getString(2), result.getString(3)));
            }
            return rows;
        }
    }
}
