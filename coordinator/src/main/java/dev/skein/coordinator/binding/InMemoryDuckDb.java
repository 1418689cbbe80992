package dev.skein.coordinator.binding;

import dev.skein.cluster.values.EmptyArrowReader;
import dev.skein.spec.DataRoots;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * The private in-memory DuckDB the binder describes queries in. It never executes user SQL: text
 * is parsed first, and only a single SELECT (or text that does not parse) is ever prepared, because
 * DuckDB's JDBC driver runs every statement but the last when it prepares several.
 *
 * <p>It also translates column types between DuckDB and Arrow for Java stages, exactly as the
 * workers' DuckDB does: Arrow from DuckDB types by exporting an empty result, DuckDB types from an
 * Arrow schema by registering an empty Arrow stream and describing a query over it.
 */
final class InMemoryDuckDb implements AutoCloseable {
    private static final String PARSE = "SELECT j->>'error', j->>'error_type', json_array_length(j->'statements')"
            + " FROM (SELECT json_serialize_sql(?::VARCHAR) AS j)";

    private static final String ARROW_RELATION = "skein_java_output";

    private final Connection connection;

    private InMemoryDuckDb(Connection connection) {
        this.connection = connection;
    }

    /**
     * @param roots the only directories a pipeline's source files and SQL may read while bound,
     *     confined as the workers' DuckDB is, so that binding refuses what running would
     */
    static InMemoryDuckDb open(DataRoots roots) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET threads = 1");
            statement.execute("SET memory_limit = '128MB'");
            // last: they lock the configuration
            for (String setting : roots.duckDbConfinement()) {
                statement.execute(setting);
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new InMemoryDuckDb(connection);
    }

    /**
     * DuckDB parser's verdict on {@code sql}.
     *
     * @param parses whether the text parses at all
     * @param onlySelects whether every statement is a query (SELECT, FROM, VALUES, WITH ... SELECT,
     *     DESCRIBE, SUMMARIZE, ...); false when it does not parse
     * @param statements how many statements the text holds; 0 unless it parses and holds only queries
     */
    record ParseVerdict(boolean parses, boolean onlySelects, int statements) {}

    ParseVerdict parse(String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PARSE)) {
            statement.setString(1, sql);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                if (!"true".equals(result.getString(1))) {
                    return new ParseVerdict(true, true, result.getInt(3));
                }
                return new ParseVerdict(!"parser".equals(result.getString(2)), false, 0);
            }
        }
    }

    /**
     * The columns and parameter count of one query, bound but not run. The caller guarantees that
     * {@code query} is a single SELECT or does not parse.
     */
    DescribedQuery describe(String query) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            ResultSetMetaData metadata = statement.getMetaData();
            List<BoundColumn> columns = new ArrayList<>();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                columns.add(new BoundColumn(metadata.getColumnName(i), metadata.getColumnTypeName(i)));
            }
            return new DescribedQuery(columns, statement.getParameterMetaData().getParameterCount());
        }
    }

    /**
     * A described query.
     *
     * @param columns its result columns, in order
     * @param parameters how many {@code ?} or {@code $n} parameters it has
     */
    record DescribedQuery(List<BoundColumn> columns, int parameters) {
        DescribedQuery {
            columns = List.copyOf(columns);
        }
    }

    /** DuckDB's parse tree of {@code sql} as JSON ({@code json_serialize_sql}). */
    String serialize(String sql) throws SQLException {
        return scalar("SELECT json_serialize_sql(?::VARCHAR)", sql);
    }

    /** SQL text for a parse tree in the form {@link #serialize} gives ({@code json_deserialize_sql}). */
    String deserialize(String json) throws SQLException {
        return scalar("SELECT json_deserialize_sql(?::JSON)", json);
    }

    /** The names of every aggregate function DuckDB knows. */
    Set<String> aggregateFunctions() throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'aggregate'")) {
            while (result.next()) {
                names.add(result.getString(1));
            }
        }
        return names;
    }

    private String scalar(String query, String argument) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, argument);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    /** Makes {@code input} an empty table with exactly these columns. */
    void replaceInput(List<BoundColumn> columns) throws SQLException {
        String definitions = columns.stream().map(BoundColumn::definition).collect(Collectors.joining(", "));
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE OR REPLACE TEMP TABLE input (" + definitions + ")");
        }
    }

    /** The Arrow schema DuckDB gives {@code input}'s columns when it exports them, as a worker does. */
    Schema arrowSchemaOfInput(BufferAllocator allocator) throws SQLException {
        try (Statement statement = connection.createStatement();
                DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery("SELECT * FROM input LIMIT 0");
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, 1)) {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (IOException e) {
            throw new SQLException("cannot read DuckDB's Arrow export: " + e.getMessage(), e);
        }
    }

    /** The DuckDB columns of Arrow batches of {@code schema}, as DuckDB reads them from a worker's Java stage. */
    List<BoundColumn> describeArrow(Schema schema, BufferAllocator allocator) throws SQLException {
        try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
            Data.exportArrayStream(allocator, new EmptyArrowReader(allocator, schema), stream);
            connection.unwrap(DuckDBConnection.class).registerArrowStream(ARROW_RELATION, stream);
            return describe("SELECT * FROM " + ARROW_RELATION).columns();
        }
    }

    /** Removes {@code input}, so that a source's SQL cannot see the last pipeline's. */
    void dropInput() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS input");
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
