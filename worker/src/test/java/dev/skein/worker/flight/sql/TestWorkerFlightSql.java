package dev.skein.worker.flight.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.ClusterKey;
import dev.skein.cluster.auth.PasswordFile;
import dev.skein.cluster.auth.PasswordHash;
import dev.skein.spec.DataRoots;
import dev.skein.worker.WorkerConfig;
import dev.skein.worker.WorkerNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker as a Flight SQL server, through the Arrow Flight SQL JDBC driver as users run it. */
class TestWorkerFlightSql {
    private static final ClusterKey KEY = ClusterKey.fromSecret("the cluster secret, 16+ bytes");
    private static final int WRITERS = 4;
    private static final int ROWS_PER_WRITER = 50_000;

    private static TestingServer zookeeper;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zookeeper = new TestingServer();
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        zookeeper.close();
    }

    private static WorkerNode worker(boolean writes, AuthConfig auth) {
        String id = writes ? "sql-writes" : "sql-reads";
        return WorkerNode.start(new WorkerConfig(id, "127.0.0.1", 0, "127.0.0.1",
                ZkClusterConfig.of(zookeeper.getConnectString()), 1, "256MB", Optional.empty(), false, Optional.empty(),
                DataRoots.none(), writes, 0), auth);
    }

    private static Connection connect(WorkerNode worker, Properties properties) throws SQLException {
        return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + worker.port() + "?useEncryption=false",
                properties);
    }

    private static Connection connect(WorkerNode worker) throws SQLException {
        return connect(worker, new Properties());
    }

    @Test
    void catalogAndColumnTypesOfEveryTypeTheDuckDbSinkHolds() throws Exception {
        try (WorkerNode worker = worker(true, AuthConfig.open());
                Connection connection = connect(worker);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE typed AS SELECT 1::TINYINT AS t, 2::SMALLINT AS s, 3::INTEGER AS i,"
                    + " 4::BIGINT AS b, 1.5::DECIMAL(18,3) AS d, 'x' AS v, DATE '2026-01-02' AS dt,"
                    + " TIMESTAMP '2026-01-02 03:04:05' AS ts, TIMESTAMPTZ '2026-01-02 03:04:05+00' AS tz, true AS flag,"
                    + " 'ab'::BLOB AS bytes, [1, 2]::BIGINT[] AS list");
            DatabaseMetaData metadata = connection.getMetaData();

            assertThat(rows(metadata.getCatalogs(), "TABLE_CAT")).containsExactly(List.of("memory"));
            assertThat(rows(metadata.getSchemas(), "TABLE_CATALOG", "TABLE_SCHEM")).containsExactly(List.of("memory", "main"));
            assertThat(rows(metadata.getTables(null, null, "%", null), "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE"))
                    .containsExactly(List.of("memory", "main", "typed", "TABLE"));
            assertThat(rows(metadata.getColumns(null, "main", "typed", null),
                            "COLUMN_NAME", "DATA_TYPE", "COLUMN_SIZE", "DECIMAL_DIGITS"))
                    .containsExactly(
                            List.of("t", String.valueOf(Types.TINYINT), "3", "0"),
                            List.of("s", String.valueOf(Types.SMALLINT), "5", "0"),
                            List.of("i", String.valueOf(Types.INTEGER), "10", "0"),
                            List.of("b", String.valueOf(Types.BIGINT), "19", "0"),
                            List.of("d", String.valueOf(Types.DECIMAL), "18", "3"),
                            List.of("v", String.valueOf(Types.VARCHAR), "65536", "null"),
                            List.of("dt", String.valueOf(Types.DATE), "10", "0"),
                            List.of("ts", String.valueOf(Types.TIMESTAMP), "26", "6"),
                            List.of("tz", String.valueOf(Types.TIMESTAMP_WITH_TIMEZONE), "26", "6"),
                            List.of("flag", String.valueOf(Types.BOOLEAN), "null", "null"),
                            List.of("bytes", String.valueOf(Types.VARBINARY), "65536", "null"),
                            List.of("list", String.valueOf(Types.ARRAY), "null", "null"));
            assertThat(rows(metadata.getPrimaryKeys(null, "main", "typed"), "COLUMN_NAME")).isEmpty();
            assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
            assertThat(metadata.isReadOnly()).isFalse();
            assertThat(metadata.getSQLKeywords()).contains("QUALIFY");
        }
    }

    @Test
    void preparedStatementWithParametersOverATableFilledByConcurrentDoPuts() throws Exception {
        try (WorkerNode worker = worker(false, AuthConfig.open());
                BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", worker.port()))
                        .build()) {
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<String>> acks = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                acks.add(pool.submit(() -> put(client, allocator, writer)));
            }
            for (Future<String> ack : acks) {
                assertThat(ack.get()).isEqualTo("{\"table\":\"events\",\"rows\":" + ROWS_PER_WRITER + "}");
            }
            pool.shutdown();

            // DuckDB infers each parameter's type from the query; one it cannot (id % ?) would be VARCHAR.
            String query = "SELECT id, name FROM events WHERE id >= ? AND id < ? AND name <> ? ORDER BY id";
            try (Connection connection = connect(worker);
                    PreparedStatement statement = connection.prepareStatement(query);
                    Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                    Statement direct = duckdb.createStatement()) {
                direct.execute("CREATE TABLE events AS SELECT i AS id, 'n' || (i % 7) AS name FROM range("
                        + WRITERS * ROWS_PER_WRITER + ") t(i)");
                for (long from : new long[] {0, 49_500, 199_500}) {
                    statement.setLong(1, from);
                    statement.setLong(2, from + 1_000);
                    statement.setString(3, "n3");
                    List<List<String>> got = rows(statement.executeQuery(), "id", "name");
                    try (PreparedStatement expected = duckdb.prepareStatement(query)) {
                        expected.setLong(1, from);
                        expected.setLong(2, from + 1_000);
                        expected.setString(3, "n3");
                        assertThat(got).isEqualTo(rows(expected.executeQuery(), "id", "name")).isNotEmpty();
                    }
                }
                // An error DuckDB raises while it streams the result keeps its own message.
                try (PreparedStatement failing = connection.prepareStatement(
                        "SELECT CAST(name AS INTEGER) AS n FROM events WHERE id >= ?")) {
                    failing.setLong(1, 10);
                    assertThatThrownBy(() -> rows(failing.executeQuery(), "n")).isInstanceOf(SQLException.class)
                            .hasMessageContaining("Conversion Error: Could not convert string 'n");
                }
            }
        }
    }

    @Test
    void writesNeedTheWriteFlagAndQueryErrorsCarryDuckDbsMessage() throws Exception {
        try (WorkerNode readOnly = worker(false, AuthConfig.open());
                WorkerNode writable = worker(true, AuthConfig.open());
                Connection reader = connect(readOnly);
                Connection writer = connect(writable);
                Statement reads = reader.createStatement();
                Statement writes = writer.createStatement()) {
            assertThatThrownBy(() -> reads.executeUpdate("CREATE TABLE t AS SELECT 1 AS x"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("this worker serves read-only SQL: only one SELECT (or VALUES, DESCRIBE, SHOW)"
                            + " per statement; start it with --allow-sql-writes to let SQL clients change its tables");
            assertThatThrownBy(() -> reads.executeQuery("SELECT 1; DROP TABLE t")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("this worker serves read-only SQL");
            assertThat(rows(reader.getMetaData().getTables(null, null, "%", null), "TABLE_NAME")).isEmpty();
            assertThat(reader.getMetaData().isReadOnly()).isTrue();

            assertThatThrownBy(() -> reads.executeQuery("SELECT * FROM nope")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Catalog Error: Table with name nope does not exist!");

            assertThat(writes.executeUpdate("CREATE TABLE t AS SELECT range AS x FROM range(10)")).isEqualTo(10);
            assertThat(writes.executeUpdate("DELETE FROM t WHERE x < 3")).isEqualTo(3);
            assertThat(rows(writes.executeQuery("SELECT sum(x) AS s FROM t"), "s")).containsExactly(List.of("42"));
            for (String forbidden : List.of("ATTACH ':memory:' AS other", "INSTALL httpfs", "LOAD httpfs",
                    "COPY t TO 'out.csv'", "SET threads = 8")) {
                assertThatThrownBy(() -> writes.executeUpdate(forbidden)).as(forbidden).isInstanceOf(SQLException.class)
                        .hasMessageContaining("are not allowed; a SQL client may run SELECT queries");
            }
            assertThatThrownBy(() -> writes.executeUpdate("INSERT INTO t VALUES (1); ATTACH ':memory:' AS other"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("one statement per call, got several separated by ';'");
            assertThatThrownBy(() -> writes.executeQuery("SELECT * FROM read_text('/etc/passwd')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Permission Error");
        }
    }

    @Test
    void basicCredentialsGiveATokenAndAnythingElseIsRefused() throws Exception {
        PasswordFile users = PasswordFile.parse("users", List.of("alice:" + PasswordHash.of("wonderland", 1_000).encode()));
        try (WorkerNode worker = worker(false, AuthConfig.of(KEY, Optional.of(users)))) {
            try (Connection connection = connect(worker, credentials("alice", "wonderland"));
                    Statement statement = connection.createStatement()) {
                assertThat(rows(statement.executeQuery("SELECT 42 AS answer"), "answer")).containsExactly(List.of("42"));
            }
            assertThatThrownBy(() -> connect(worker, credentials("alice", "wrong")).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("UNAUTHENTICATED");
            assertThatThrownBy(() -> {
                        try (Connection connection = connect(worker);
                                Statement statement = connection.createStatement()) {
                            statement.executeQuery("SELECT 42");
                        }
                    })
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("this cluster requires authentication");
        }
    }

    private static Properties credentials(String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }

    private static List<List<String>> rows(ResultSet result, String... columns) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (result) {
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (String column : columns) {
                    row.add(String.valueOf(result.getString(column)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Writer {@code writer}'s share of the ids, one DoPut. */
    private static String put(FlightClient client, BufferAllocator allocator, int writer) throws Exception {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(List.of(
                        org.apache.arrow.vector.types.pojo.Field.nullable("id", new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)),
                        org.apache.arrow.vector.types.pojo.Field.nullable("name", org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE))),
                allocator)) {
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream = client.startPut(FlightDescriptor.path("events"), root, listener);
            BigIntVector ids = (BigIntVector) root.getVector("id");
            VarCharVector names = (VarCharVector) root.getVector("name");
            int batch = 10_000;
            for (int start = 0; start < ROWS_PER_WRITER; start += batch) {
                root.allocateNew();
                for (int i = 0; i < batch; i++) {
                    long id = (long) writer * ROWS_PER_WRITER + start + i;
                    ids.setSafe(i, id);
                    names.setSafe(i, ("n" + id % 7).getBytes(StandardCharsets.UTF_8));
                }
                root.setRowCount(batch);
                stream.putNext();
            }
            stream.completed();
            try (PutResult ack = listener.read()) {
                String text = StandardCharsets.UTF_8.decode(ack.getApplicationMetadata().nioBuffer()).toString();
                stream.getResult();
                return text;
            }
        }
    }
}
