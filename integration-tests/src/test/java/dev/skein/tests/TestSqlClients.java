package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JDBC client reads what a pipeline's duckdb sink wrote, from the worker process that holds it. */
class TestSqlClients {
    private static final String SOURCE = "SELECT i AS id, 'c' || (i % 8) AS category,"
            + " TIMESTAMP '2026-01-01' + to_milliseconds(i) AS ts FROM range(200000) t(i)";
    private static final String QUERY = "SELECT category, count(*) AS n, sum(id) AS ids, min(id) AS first, max(id) AS last"
            + " FROM readings WHERE id >= ? AND NOT late GROUP BY category ORDER BY category";

    @TempDir
    Path dir;

    @Test
    void aSinkTableAnswersAPreparedStatementExactlyAsDuckDb() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(2, "512m", 1)) {
            Path file = TestingPipelines.write(dir, "readings.yaml", """
                    name: readings
                    source:
                      type: generate
                      sql: %s
                    stages:
                      - name: mark
                        sql: SELECT *, ts >= TIMESTAMP '2026-01-01 00:02:00' AS late FROM input
                    sinks:
                      - type: duckdb
                        table: readings
                    """.formatted(SOURCE));
            JsonNode view = TestingPipelines.run(cluster, file);
            assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");

            Set<String> ids = new HashSet<>();
            new CoordinatorClient(cluster.coordinatorUrl()).get("readings").body()
                    .path("stages").get(1).path("workers").forEach(worker -> ids.add(worker.asText()));
            List<String> addresses = cluster.liveWorkerAddresses(ids);
            assertThat(addresses).hasSize(1);
            try (Connection connection = DriverManager.getConnection(
                            "jdbc:arrow-flight-sql://" + addresses.get(0) + "?useEncryption=false");
                    PreparedStatement statement = connection.prepareStatement(QUERY)) {
                assertThat(rows(connection.getMetaData().getColumns(null, "main", "readings", null),
                                "COLUMN_NAME", "DATA_TYPE"))
                        .containsExactly(
                                List.of("id", String.valueOf(Types.BIGINT)),
                                List.of("category", String.valueOf(Types.VARCHAR)),
                                List.of("ts", String.valueOf(Types.TIMESTAMP)),
                                List.of("late", String.valueOf(Types.BOOLEAN)));
                statement.setLong(1, 1_000);
                List<List<String>> got = rows(statement.executeQuery(), "category", "n", "ids", "first", "last");
                List<List<String>> expected = TestingPipelines.duckDbRows(QUERY
                        .replace("FROM readings", "FROM (SELECT *, ts >= TIMESTAMP '2026-01-01 00:02:00' AS late FROM ("
                                + SOURCE + "))")
                        .replace("?", "1000"));
                assertThat(got).hasSize(8).isEqualTo(expected);
            }
        }
    }

    private static List<List<String>> rows(ResultSet result, String... columns) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (result) {
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (String column : columns) {
                    row.add(result.getString(column));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
