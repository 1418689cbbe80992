package dev.skein.worker.duckdb;

import dev.skein.spec.DataRoots;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * The worker's tables, in a DuckDB database of their own (a file with {@code --database}, else
 * memory), separate from the one pipelines compute in: here external access (files, ATTACH,
 * INSTALL/LOAD) is switched off and locked, so Flight clients can append and query but never
 * reach the file system. Many writers append concurrently, each DoPut in its own transaction.
 * Thread-safe.
 */
public final class TableStore implements AutoCloseable {
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DuckDBConnection root;
    private final Object catalogLock = new Object();
    private volatile boolean closed;

    private TableStore(DuckDBConnection root) {
        this.root = root;
    }

    public static TableStore open(Optional<Path> file, int threads, String memoryLimit) {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        String url = "jdbc:duckdb:" + file.map(path -> path.toAbsolutePath().toString()).orElse("");
        try {
            DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection(url, properties);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET threads = " + threads);
                statement.execute("SET memory_limit = '" + memoryLimit.replace("'", "") + "'");
            }
            DuckDbConfinement.apply(connection, DataRoots.none());
            return new TableStore(connection);
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot open the table database " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Tables whose names start with this (in any case) are Skein's own: sinks' staging tables and
     * the copies that undo a commit ({@code skein_staging_}, {@code skein_undo_}, {@code skein_new_}).
     * The table service refuses them by name (DoPut, GetFlightInfo, DoGet) and lists none of them,
     * nor does the Flight SQL catalog, so no client can plant or spoil one. Read-only ad-hoc SQL
     * ({@code --allow-sql}) can still read them.
     */
    public static final String RESERVED_PREFIX = "skein_";

    /** A quoted, checked table name. */
    public static String quoted(String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    "table name '" + table + "' must match " + TABLE_NAME.pattern());
        }
        return '"' + table + '"';
    }

    /**
     * A quoted, checked table name that a client gave: like {@link #quoted}, and refused if it
     * starts with {@value #RESERVED_PREFIX}.
     */
    public static String clientTable(String table) {
        String quoted = quoted(table);
        if (isReserved(table)) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "table name '" + table + "' is reserved: names"
                    + " starting with '" + RESERVED_PREFIX + "' belong to Skein's sinks (staging tables, undo copies)");
        }
        return quoted;
    }

    /** Whether {@code table} is one of Skein's own ({@link #RESERVED_PREFIX}). */
    public static boolean isReserved(String table) {
        return table.toLowerCase(java.util.Locale.ROOT).startsWith(RESERVED_PREFIX);
    }

    /** A session of its own; the caller closes it. */
    public DuckDbSession openSession(BufferAllocator allocator) {
        try {
            return new DuckDbSession(root.duplicate(), allocator);
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot open a DuckDB connection: " + e.getMessage(), e);
        }
    }

    /**
     * Makes sure {@code table} exists with exactly {@code schema}: creates it if absent, and
     * otherwise names the first field that differs (before any row is written).
     *
     * @return whether this call created the table
     */
    public boolean ensureTable(String table, Schema schema, BufferAllocator allocator) {
        synchronized (catalogLock) {
            try (DuckDbSession session = openSession(allocator);
                    VectorSchemaRoot empty = VectorSchemaRoot.create(schema, allocator)) {
                Optional<Schema> existing = schemaOf(table, allocator);
                if (existing.isEmpty()) {
                    session.register("skein_new", empty);
                    session.execute("CREATE TABLE " + quoted(table) + " AS SELECT * FROM skein_new");
                    return true;
                }
                checkSameSchema(table, existing.get(), session, empty);
                return false;
            } catch (SkeinException e) {
                throw e;
            } catch (Exception e) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "cannot create table '" + table + "': " + e.getMessage(), e);
            }
        }
    }

    /**
     * Drops {@code table} if it holds no row: undoes {@link #ensureTable} for a first DoPut that
     * failed, so a refused stream leaves no table behind.
     */
    public void dropIfEmpty(String table, BufferAllocator allocator) throws Exception {
        synchronized (catalogLock) {
            try (DuckDbSession session = openSession(allocator)) {
                session.execute("BEGIN TRANSACTION");
                boolean[] empty = {false};
                session.query("SELECT count(*) = 0 FROM " + quoted(table), 1,
                        batch -> empty[0] = ((BitVector) batch.getVector(0)).get(0) == 1);
                if (empty[0]) {
                    session.execute("DROP TABLE " + quoted(table));
                }
                session.execute("COMMIT");
            }
        }
    }

    /** Compares the incoming schema, as DuckDB would store it, with the table's. */
    private static void checkSameSchema(String table, Schema existing, DuckDbSession session, VectorSchemaRoot empty)
            throws Exception {
        session.register("skein_incoming", empty);
        Schema incoming = session.query("SELECT * FROM skein_incoming", 1, batch -> {}).schema();
        List<Field> want = existing.getFields();
        List<Field> got = incoming.getFields();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            if (i >= got.size()) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "table '" + table + "' expects field '"
                        + want.get(i).getName() + "' (" + want.get(i).getType() + "), which the batch lacks");
            }
            if (i >= want.size()) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "table '" + table + "' has no field '"
                        + got.get(i).getName() + "' (" + got.get(i).getType() + ")");
            }
            if (!want.get(i).getName().equals(got.get(i).getName())
                    || !want.get(i).getType().equals(got.get(i).getType())) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "field " + (i + 1) + " of table '" + table
                        + "': expected '" + want.get(i).getName() + "' " + want.get(i).getType() + ", got '"
                        + got.get(i).getName() + "' " + got.get(i).getType());
            }
        }
    }

    /** The table's Arrow schema, if it exists. */
    public Optional<Schema> schemaOf(String table, BufferAllocator allocator) {
        if (!tableNames().contains(table)) {
            return Optional.empty();
        }
        try (DuckDbSession session = openSession(allocator)) {
            return Optional.of(session.query("SELECT * FROM " + quoted(table) + " LIMIT 0", 1, batch -> {}).schema());
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot read the schema of '" + table + "': " + e.getMessage(), e);
        }
    }

    /** What the database holds, for SQL clients' catalog calls; table schemas are exported in {@code allocator}. */
    public TableCatalog catalog(BufferAllocator allocator) {
        return new TableCatalog(root, allocator);
    }

    /**
     * Prepares a SQL client's statement on a connection of its own (the caller closes it): one
     * query, or, if {@code writesAllowed}, one statement that changes data (see {@link WriteSql}).
     */
    public PreparedSql prepare(String sql, boolean writesAllowed, BufferAllocator allocator) {
        try (DuckDBConnection connection = (DuckDBConnection) root.duplicate()) {
            return PreparedSql.prepare(connection, sql, writesAllowed, allocator);
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot open a DuckDB connection: " + e.getMessage(), e);
        }
    }

    /** Refuses anything but one read-only query (see {@link ReadOnlySql}). */
    public void checkReadOnly(String sql) {
        try (DuckDBConnection connection = (DuckDBConnection) root.duplicate()) {
            ReadOnlySql.check(connection, sql);
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot check the query: " + e.getMessage(), e);
        }
    }

    /**
     * Appends one client's stream of batches in one transaction: all its rows or none.
     *
     * @return rows appended
     */
    public long append(String table, Iterable<VectorSchemaRoot> batches, BufferAllocator allocator) throws Exception {
        long rows = 0;
        try (DuckDbSession session = openSession(allocator)) {
            session.execute("BEGIN TRANSACTION");
            try {
                for (VectorSchemaRoot batch : batches) {
                    session.register("skein_put", batch);
                    session.execute("INSERT INTO " + quoted(table) + " SELECT * FROM skein_put");
                    rows += batch.getRowCount();
                }
                session.execute("COMMIT");
            } catch (Exception e) {
                session.execute("ROLLBACK");
                throw e;
            }
        }
        return rows;
    }

    /** Tables clients may see, by name: every table in the main schema but Skein's own. */
    public List<String> clientTableNames() {
        return tableNames().stream().filter(name -> !isReserved(name)).toList();
    }

    /** Tables in the main schema, by name, Skein's own included. */
    public List<String> tableNames() {
        List<String> names = new ArrayList<>();
        try (DuckDBConnection connection = (DuckDBConnection) root.duplicate();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name")) {
            while (result.next()) {
                names.add(result.getString(1));
            }
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot list tables: " + e.getMessage(), e);
        }
        return names;
    }

    /** Exact row count of a table. */
    public long rowCount(String table) {
        try (DuckDBConnection connection = (DuckDBConnection) root.duplicate();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM " + quoted(table))) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.NOT_FOUND, "no table '" + table + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        if (!closed) {
            closed = true;
            root.close();
        }
    }
}
