package dev.skein.worker.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/**
 * Checks that ad-hoc SQL is one read-only query, with DuckDB's own parser ({@code
 * json_serialize_sql} only serializes SELECT statements and reports anything else as an error).
 */
final class ReadOnlySql {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReadOnlySql() {}

    /**
     * Whether {@code sql} is one query (SELECT, VALUES, DESCRIBE, SHOW...), rather than a statement
     * that may change something; a syntax error or several queries are refused with DuckDB's message.
     */
    static boolean isOneQuery(DuckDBConnection connection, String sql) {
        JsonNode json = serialized(connection, sql);
        if (json.path("error").asBoolean(false)) {
            if (json.path("error_type").asText().equals("not implemented")) {
                return false;
            }
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "Parser Error: " + json.path("error_message").asText());
        }
        if (json.path("statements").size() != 1) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    "one statement per call, got " + json.path("statements").size() + " queries");
        }
        return true;
    }

    private static JsonNode serialized(DuckDBConnection connection, String sql) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            statement.setString(1, sql);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return MAPPER.readTree(result.getString(1));
            }
        } catch (SQLException | java.io.IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot check the query: " + e.getMessage(), e);
        }
    }

    static void check(DuckDBConnection connection, String sql) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            statement.setString(1, sql);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                JsonNode json = MAPPER.readTree(result.getString(1));
                if (json.path("error").asBoolean(false)) {
                    throw new SkeinException(ErrorCode.PERMISSION_DENIED,
                            "only one read-only query is allowed: " + json.path("error_message").asText());
                }
                if (json.path("statements").size() != 1) {
                    throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                            "only one read-only query is allowed, got " + json.path("statements").size() + " statements");
                }
            }
        } catch (SQLException | java.io.IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot check the query: " + e.getMessage(), e);
        }
    }
}
