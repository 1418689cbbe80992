package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cli.local.LocalLogin;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator as a Flight SQL server over the cluster, through the Arrow Flight SQL JDBC
 * driver and {@code java.sql} only, on a cluster that authenticates.
 */
class TestCoordinatorSql {
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static LocalCluster cluster;
    private static LocalLogin login;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(2, "384m", 1, Optional.empty(), true);
        login = cluster.login().orElseThrow();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void systemTablesShowPipelinesDuringAndAfterTheirRunAndTheLiveWorkers() throws Exception {
        CoordinatorClient rest = cluster.coordinatorClient();
        submit(rest, "long.yaml", TestingPipelines.endlessEnrich("long"));
        awaitRows(rest, "long");
        submit(rest, "short.yaml", """
                name: short
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(1000) t(i)
                stages:
                  - name: square
                    sql: SELECT id, id * id AS square FROM input
                sinks:
                  - type: count
                """);
        await().atMost(Duration.ofMinutes(2)).until(() -> TERMINAL.contains(rest.get("short").body().path("state").asText()));

        try (Connection connection = connect(login.user(), login.password());
                Statement statement = connection.createStatement()) {
            assertThat(rows(statement.executeQuery("SELECT name, state, epoch, attempts, stages FROM system.pipelines"
                            + " WHERE name IN ('long', 'short') ORDER BY name"), 5))
                    .containsExactly(List.of("long", "RUNNING", epoch(rest, "long"), "1", "2"),
                            List.of("short", "SUCCEEDED", epoch(rest, "short"), "1", "2"));
            assertThat(rows(statement.executeQuery("SELECT stage, tasks FROM system.stages WHERE pipeline = 'long'"
                            + " ORDER BY position"), 2))
                    .containsExactly(List.of("source", "1"), List.of("enrich", "2"));
            assertThat(rows(statement.executeQuery("SELECT count(*), count(DISTINCT worker), bool_and(address IS NOT NULL)"
                            + " FROM system.tasks WHERE pipeline = 'long'"), 3))
                    .containsExactly(List.of("3", "2", "true"));
            List<List<String>> workers = new ArrayList<>();
            for (String address : cluster.liveWorkerAddresses()) {
                workers.add(List.of(address));
            }
            assertThat(rows(statement.executeQuery("SELECT address FROM system.workers ORDER BY id"), 1))
                    .containsExactlyInAnyOrderElementsOf(workers);
            assertThat(rows(statement.executeQuery("SELECT id FROM system.workers ORDER BY id"), 1))
                    .containsExactly(List.of("worker-1"), List.of("worker-2"));
        }
        cancel(rest, "long");
    }

    @Test
    void aTapTableStreamsExactlyTheLimitOfTheStagesRows() throws Exception {
        CoordinatorClient rest = cluster.coordinatorClient();
        submit(rest, "tapped.yaml", TestingPipelines.endlessEnrich("tapped"));
        awaitRows(rest, "tapped");

        try (Connection connection = connect(login.user(), login.password());
                Statement statement = connection.createStatement()) {
            List<List<String>> rows = rows(statement.executeQuery(
                    "SELECT id, category, value, doubled FROM taps.\"tapped.enrich\" LIMIT 1000"), 4);

            assertThat(rows).hasSize(1_000);
            for (List<String> row : rows) {
                long id = Long.parseLong(row.get(0));
                assertThat(row.get(1)).isEqualTo("c" + id % 8);
                assertThat(Double.parseDouble(row.get(2))).isEqualTo((id % 1000) / 10.0);
                assertThat(Double.parseDouble(row.get(3))).as("computed by stage enrich").isEqualTo((id % 1000) / 10.0 * 2);
            }

            List<String> tables = new ArrayList<>();
            try (ResultSet result = connection.getMetaData().getTables(null, null, "%", null)) {
                while (result.next()) {
                    tables.add(result.getString("TABLE_SCHEM") + "." + result.getString("TABLE_NAME") + " "
                            + result.getString("TABLE_TYPE"));
                }
            }
            assertThat(tables).contains("system.pipelines SYSTEM TABLE", "system.stages SYSTEM TABLE",
                    "system.tasks SYSTEM TABLE", "system.workers SYSTEM TABLE", "taps.tapped.source VIEW",
                    "taps.tapped.enrich VIEW");
            List<String> columns = new ArrayList<>();
            try (ResultSet result = connection.getMetaData().getColumns(null, "taps", "tapped.enrich", null)) {
                while (result.next()) {
                    columns.add(result.getString("COLUMN_NAME"));
                }
            }
            assertThat(columns).containsExactly("id", "category", "value", "doubled");
        }
        cancel(rest, "tapped");
    }

    @Test
    void writesAreRefusedAndErrorsAreDuckDbs() throws Exception {
        try (Connection connection = connect(login.user(), login.password());
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("CREATE TABLE t AS SELECT 1 AS one"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("the coordinator answers read-only queries only (one SELECT over the system"
                            + " and taps tables); this statement is not a query");
            assertThatThrownBy(() -> statement.executeQuery("SELECT nme FROM system.pipelines"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Binder Error: Referenced column \"nme\" not found in FROM clause!");
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM taps.\"nothing.here\""))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("no pipeline named 'nothing'");
        }
    }

    @Test
    void wrongPasswordAndMissingCredentialsAreRefused() {
        assertThatThrownBy(() -> connect(login.user(), "wrong").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("UNAUTHENTICATED");
        assertThatThrownBy(() -> {
                    try (Connection connection = DriverManager.getConnection(url());
                            Statement statement = connection.createStatement()) {
                        statement.executeQuery("SELECT * FROM system.workers");
                    }
                })
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("this cluster requires authentication");
    }

    private void submit(CoordinatorClient rest, String fileName, String yaml) throws Exception {
        Path file = TestingPipelines.write(dir, fileName, yaml);
        String name = yaml.lines().filter(line -> line.startsWith("name: ")).findFirst().orElseThrow().substring(6).trim();
        CoordinatorClient.ApiResponse submitted = rest.submit(file, name, Files.readString(file));
        assertThat(submitted.status()).as("submit answered %s", submitted.body()).isEqualTo(201);
    }

    /** Waits until the pipeline's stage enrich emitted rows; fails at once if the pipeline ended. */
    private static void awaitRows(CoordinatorClient rest, String name) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode view = rest.get(name).body();
            assertThat(view.path("state").asText()).as("pipeline %s: %s", name, view).isNotIn(TERMINAL);
            return view.path("stages").get(1).path("rowsOut").asLong() > 0;
        });
    }

    /** The pipeline's epoch as REST shows it: epochs count across the cluster's pipelines. */
    private static String epoch(CoordinatorClient rest, String name) {
        return rest.get(name).body().path("epoch").asText();
    }

    private static void cancel(CoordinatorClient rest, String name) {
        rest.cancel(name);
        await().atMost(Duration.ofMinutes(1)).until(() -> TERMINAL.contains(rest.get(name).body().path("state").asText()));
    }

    private static String url() {
        return "jdbc:arrow-flight-sql://" + cluster.coordinatorFlightAddress() + "?useEncryption=false";
    }

    private static Connection connect(String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(url(), properties);
    }

    private static List<List<String>> rows(ResultSet result, int columns) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (result) {
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    row.add(String.valueOf(result.getString(column)));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
