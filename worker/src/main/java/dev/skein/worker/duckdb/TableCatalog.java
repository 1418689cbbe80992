package dev.skein.worker.duckdb;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.flight.sql.SqlCatalog;
import dev.skein.cluster.flight.sql.SqlTable;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * What the table database holds, for SQL clients' catalog calls: its one catalog, its schemas,
 * tables and views (with their Arrow schemas, as DuckDB exports them), and DuckDB's keywords.
 * DuckDB's {@code information_schema} and {@code pg_catalog}, its own {@code system} and {@code temp} catalogs are left out.
 * Thread-safe: every call runs on a connection of its own.
 */
public final class TableCatalog implements SqlCatalog {
    private static final String OBJECTS = "SELECT database_name, schema_name, table_name AS name, 'TABLE' AS type"
            + " FROM duckdb_tables() WHERE NOT internal AND NOT temporary AND database_name = current_database()"
            + " AND NOT starts_with(lower(table_name), '" + TableStore.RESERVED_PREFIX + "')"
            + " UNION ALL SELECT database_name, schema_name, view_name, 'VIEW' FROM duckdb_views()"
            + " WHERE NOT internal AND NOT temporary AND database_name = current_database()";

    private final DuckDBConnection root;
    private final BufferAllocator allocator;

    /** @param allocator where the schemas of tables are exported */
    TableCatalog(DuckDBConnection root, BufferAllocator allocator) {
        this.root = requireNonNull(root, "root is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    @Override
    public List<String> catalogs() {
        return List.of(catalogName());
    }

    /** The one catalog SQL clients see: this database's name ({@code memory} when in memory). */
    public String catalogName() {
        return strings("SELECT current_database()", List.of()).get(0);
    }

    /** Schemas whose name is LIKE {@code schemaPattern} (all if empty), in the given catalog (if any). */
    @Override
    public List<List<String>> schemas(Optional<String> catalog, Optional<String> schemaPattern) {
        List<List<String>> schemas = new ArrayList<>();
        String sql = "SELECT database_name, schema_name FROM duckdb_schemas()"
                + " WHERE schema_name NOT IN ('information_schema', 'pg_catalog') AND database_name = current_database() AND database_name = coalesce(?, database_name)"
                + " AND schema_name LIKE coalesce(?, '%') ESCAPE '\\' ORDER BY 1, 2";
        query(sql, List.of(catalog, schemaPattern), row -> schemas.add(List.of(row.getString(1), row.getString(2))));
        return schemas;
    }

    /** Tables and views that match every given filter (patterns as in SQL LIKE, escape {@code \}). */
    @Override
    public List<SqlTable> tables(
            Optional<String> catalog, Optional<String> schemaPattern, Optional<String> tablePattern, List<String> types) {
        List<SqlTable> tables = new ArrayList<>();
        String sql = "SELECT * FROM (" + OBJECTS + ") WHERE database_name = coalesce(?, database_name)"
                + " AND schema_name LIKE coalesce(?, '%') ESCAPE '\\' AND name LIKE coalesce(?, '%') ESCAPE '\\'"
                + " ORDER BY type, database_name, schema_name, name";
        query(sql, List.of(catalog, schemaPattern, tablePattern), row -> {
            SqlTable table = new SqlTable(row.getString(1), row.getString(2), row.getString(3), row.getString(4));
            if (types.isEmpty() || types.contains(table.type())) {
                tables.add(table);
            }
        });
        return tables;
    }

    /** The table types there are. */
    @Override
    public List<String> tableTypes() {
        return List.of("TABLE", "VIEW");
    }

    /** The Arrow schema of a table or view, as a query over it returns it. */
    @Override
    public Schema schemaOf(SqlTable table) {
        String sql = "SELECT * FROM " + identifier(table.schema()) + "." + identifier(table.name()) + " LIMIT 0";
        try (DuckDBConnection connection = (DuckDBConnection) root.duplicate();
                Statement statement = connection.createStatement();
                DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery(sql);
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, 1)) {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot read the schema of " + table.schema() + "."
                    + table.name() + ": " + e.getMessage(), e);
        }
    }

    /** DuckDB's keywords, for GetSqlInfo. */
    public List<String> keywords() {
        return strings("SELECT upper(keyword_name) FROM duckdb_keywords() ORDER BY 1", List.of());
    }

    /** A double-quoted SQL identifier. */
    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private interface RowConsumer {
        void accept(ResultSet row) throws SQLException;
    }

    private List<String> strings(String sql, List<Optional<String>> parameters) {
        List<String> values = new ArrayList<>();
        query(sql, parameters, row -> values.add(row.getString(1)));
        return values;
    }

    private void query(String sql, List<Optional<String>> parameters, RowConsumer consumer) {
        try (DuckDBConnection connection = (DuckDBConnection) root.duplicate();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i).orElse(null));
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    consumer.accept(result);
                }
            }
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot read the catalog: " + e.getMessage(), e);
        }
    }
}
