package dev.skein.worker.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cluster.values.ArrowValues;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every DuckDB type as the preview, the REST views and {@code skein tap} show it: DuckDB produces
 * the value, Arrow carries it, {@link ArrowValues} renders it; then DuckDB reads the JSON back and
 * must find the same value (the round trip).
 */
class TestArrowValues {
    private static BufferAllocator allocator;
    private static DuckDbDatabase database;

    @BeforeAll
    static void open() {
        allocator = new RootAllocator();
        database = DuckDbDatabase.open(1, "256MB");
    }

    @AfterAll
    static void close() {
        database.close();
        assertThat(allocator.getAllocatedMemory()).isZero();
        allocator.close();
    }

    static Stream<Arguments> types() {
        return Stream.of(
                // DuckDB expression, its type, expected JSON, expected table cell
                Arguments.of("42::BIGINT", "BIGINT", "42", "42"),
                Arguments.of("-7::INTEGER", "INTEGER", "-7", "-7"),
                Arguments.of("-3::SMALLINT", "SMALLINT", "-3", "-3"),
                Arguments.of("5::TINYINT", "TINYINT", "5", "5"),
                Arguments.of("18446744073709551615::UBIGINT", "UBIGINT", "18446744073709551615", "18446744073709551615"),
                Arguments.of("4294967295::UINTEGER", "UINTEGER", "4294967295", "4294967295"),
                Arguments.of("127670399.99993722::DOUBLE", "DOUBLE", "1.2767039999993722E8", "127670399.99993722"),
                Arguments.of("0.1::FLOAT", "FLOAT", "0.1", "0.1"),
                Arguments.of("1e-300::DOUBLE", "DOUBLE", "1.0E-300", "1.0E-300"),
                Arguments.of("12.300::DECIMAL(18,3)", "DECIMAL(18,3)", "12.300", "12.300"),
                Arguments.of("-12345678901234567890.1234567890::DECIMAL(38,10)", "DECIMAL(38,10)",
                        "-12345678901234567890.1234567890", "-12345678901234567890.1234567890"),
                Arguments.of("true", "BOOLEAN", "true", "true"),
                Arguments.of("'say \"hi\", ünï'", "VARCHAR", "\"say \\\"hi\\\", ünï\"", "say \"hi\", ünï"),
                Arguments.of("NULL::INTEGER", "INTEGER", "null", "NULL"),
                Arguments.of("DATE '2025-01-01'", "DATE", "\"2025-01-01\"", "2025-01-01"),
                Arguments.of("DATE '1969-12-31'", "DATE", "\"1969-12-31\"", "1969-12-31"),
                Arguments.of("TIME '12:34:00'", "TIME", "\"12:34:00\"", "12:34:00"),
                Arguments.of("TIME '12:34:56.789'", "TIME", "\"12:34:56.789\"", "12:34:56.789"),
                Arguments.of("TIMESTAMP '2026-01-01 00:00:00'", "TIMESTAMP", "\"2026-01-01T00:00:00\"", "2026-01-01T00:00:00"),
                Arguments.of("TIMESTAMP '1960-05-04 03:02:01.000123'", "TIMESTAMP",
                        "\"1960-05-04T03:02:01.000123\"", "1960-05-04T03:02:01.000123"),
                Arguments.of("TIMESTAMP_MS '2026-01-01 00:00:00.5'", "TIMESTAMP_MS", "\"2026-01-01T00:00:00.5\"",
                        "2026-01-01T00:00:00.5"),
                Arguments.of("INTERVAL '1 month 2 days 3 hours'", "INTERVAL", "\"1 month 2 days 03:00:00\"",
                        "1 month 2 days 03:00:00"),
                Arguments.of("INTERVAL '-1 year -1 second' + INTERVAL '0.25 seconds'", "INTERVAL",
                        "\"-1 year -00:00:00.75\"", "-1 year -00:00:00.75"),
                Arguments.of("'\\xAA\\x42'::BLOB", "BLOB", "\"\\\\xAAB\"", "\\xAAB"),
                Arguments.of("[1, 2, NULL]::INTEGER[]", "INTEGER[]", "[1,2,null]", "[1,2,null]"),
                Arguments.of("{'a': 1, 'b': 'x', 'd': DATE '2025-02-03'}", "STRUCT(a INTEGER, b VARCHAR, d DATE)",
                        "{\"a\":1,\"b\":\"x\",\"d\":\"2025-02-03\"}", "{\"a\":1,\"b\":\"x\",\"d\":\"2025-02-03\"}"),
                Arguments.of("[{'t': TIMESTAMP '2026-01-01 10:00:00', 'v': 1.5::DECIMAL(4,2)}]",
                        "STRUCT(t TIMESTAMP, v DECIMAL(4,2))[]", "[{\"t\":\"2026-01-01T10:00:00\",\"v\":1.50}]",
                        "[{\"t\":\"2026-01-01T10:00:00\",\"v\":1.50}]"),
                Arguments.of("MAP {'k': 1, 'l': 2}", "MAP(VARCHAR, INTEGER)", "{\"k\":1,\"l\":2}", "{\"k\":1,\"l\":2}"),
                Arguments.of("[1.5, 2.25]::DOUBLE[2]", "DOUBLE[2]", "[1.5,2.25]", "[1.5,2.25]"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("types")
    void rendersEachTypeAsDuckDbWroteIt(String expression, String type, String json, String text) throws Exception {
        JsonNode value = render("SELECT " + expression + " AS v");

        assertThat(value.toString()).isEqualTo(json);
        assertThat(ArrowValues.text(value, "NULL")).isEqualTo(text);
        assertThat(readBack(value, type, expression)).as("DuckDB reads %s back as %s", value, expression).isTrue();
    }

    @ParameterizedTest(name = "TIMESTAMPTZ in zone {0}")
    @MethodSource("zones")
    void rendersTimestampsWithZoneInTheZoneArrowNames(String zone, String json) throws Exception {
        // The pipeline database's configuration is locked, so a plain one sets the zone here.
        try (DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = '" + zone + "'");
            try (DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery(
                            "SELECT TIMESTAMPTZ '2026-01-01 12:00:00.25+00' AS v");
                    ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, 16)) {
                assertThat(reader.loadNextBatch()).isTrue();
                JsonNode value = ArrowValues.json(reader.getVectorSchemaRoot().getVector(0), 0);
                assertThat(value.toString()).isEqualTo(json);
                assertThat(readBack(value, "TIMESTAMPTZ", "TIMESTAMPTZ '2026-01-01 12:00:00.25+00'")).isTrue();
            }
        }
    }

    static Stream<Arguments> zones() {
        return Stream.of(Arguments.of("UTC", "\"2026-01-01T12:00:00.25Z\""),
                Arguments.of("Asia/Kolkata", "\"2026-01-01T17:30:00.25+05:30\""));
    }

    private static JsonNode render(String sql) throws Exception {
        try (DuckDbSession session = database.openSession(allocator)) {
            return render(session, sql);
        }
    }

    private static JsonNode render(DuckDbSession session, String sql) throws Exception {
        List<JsonNode> values = new ArrayList<>();
        session.query(sql, 16, batch -> values.add(ArrowValues.json(batch.getVector(0), 0)));
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    /** DuckDB parses the rendered JSON as {@code type} and compares it with the original value. */
    private static boolean readBack(JsonNode value, String type, String expression) throws Exception {
        String document = "{\"v\": " + value + "}";
        // A BLOB's text is DuckDB's own escaped form, which DuckDB parses in a cast from text.
        String structure = "{\"v\": \"" + (type.equals("BLOB") ? "VARCHAR" : type) + "\"}";
        String sql = "SELECT from_json('" + document.replace("'", "''") + "', '" + structure + "').v::" + type
                + " IS NOT DISTINCT FROM " + expression + " AS same";
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getBoolean(1);
        }
    }
}
