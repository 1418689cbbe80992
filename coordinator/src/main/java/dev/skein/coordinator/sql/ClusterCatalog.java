package dev.skein.coordinator.sql;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.flight.sql.SqlCatalog;
import dev.skein.cluster.flight.sql.SqlTable;
import dev.skein.coordinator.monitoring.WorkerView;
import dev.skein.coordinator.scheduling.PipelineView;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What SQL clients' catalog calls list on the coordinator: catalog {@code skein}, its schema
 * {@code system} (type {@code SYSTEM TABLE}) and {@code taps}, whose tables are the stages of
 * running pipelines (type {@code VIEW}: a live view of a stage's output). Thread-safe.
 */
public final class ClusterCatalog implements SqlCatalog {
    private static final String CATALOG = "skein";
    private static final List<String> TABLE_TYPES = List.of("SYSTEM TABLE", "VIEW");
    private static final String SYSTEM = "system";
    private static final String TAPS = "taps";

    private final TapSource taps;
    private final BufferAllocator allocator;

    /** @param allocator where the schemas of tables are found */
    public ClusterCatalog(TapSource taps, BufferAllocator allocator) {
        this.taps = requireNonNull(taps, "taps is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    @Override
    public List<String> catalogs() {
        return List.of(CATALOG);
    }

    @Override
    public List<String> tableTypes() {
        return TABLE_TYPES;
    }

    @Override
    public List<List<String>> schemas(Optional<String> catalog, Optional<String> schemaPattern) {
        List<List<String>> schemas = new ArrayList<>();
        if (catalog.isEmpty() || catalog.get().equals(CATALOG)) {
            for (String schema : List.of(SYSTEM, TAPS)) {
                if (matches(schemaPattern, schema)) {
                    schemas.add(List.of(CATALOG, schema));
                }
            }
        }
        return schemas;
    }

    @Override
    public List<SqlTable> tables(
            Optional<String> catalog, Optional<String> schemaPattern, Optional<String> tablePattern, List<String> types) {
        List<SqlTable> all = new ArrayList<>();
        SystemTables.NAMES.forEach(name -> all.add(new SqlTable(CATALOG, SYSTEM, name, "SYSTEM TABLE")));
        if (matches(schemaPattern, TAPS)) {
            taps.running().forEach(stage -> all.add(new SqlTable(CATALOG, TAPS, stage.tableName(), "VIEW")));
        }
        List<SqlTable> tables = new ArrayList<>();
        for (SqlTable table : all) {
            if ((catalog.isEmpty() || catalog.get().equals(CATALOG)) && matches(schemaPattern, table.schema())
                    && matches(tablePattern, table.name()) && (types.isEmpty() || types.contains(table.type()))) {
                tables.add(table);
            }
        }
        return tables;
    }

    @Override
    public Schema schemaOf(SqlTable table) {
        String query = "SELECT * FROM " + identifier(table.schema()) + "." + identifier(table.name());
        try (ClusterQuery describe = ClusterQuery.open(query, NO_VIEWS, taps, Instant.now())) {
            return describe.describe(allocator);
        }
    }

    /** DuckDB's keywords, for GetSqlInfo. */
    public List<String> keywords() {
        List<String> keywords = new ArrayList<>();
        try (ClusterQuery query = ClusterQuery.open("SELECT upper(keyword_name) FROM duckdb_keywords() ORDER BY 1",
                NO_VIEWS, taps, Instant.now())) {
            query.query(4096, allocator, batch -> {
                VarCharVector vector = (VarCharVector) batch.getVector(0);
                for (int i = 0; i < batch.getRowCount(); i++) {
                    keywords.add(vector.getObject(i).toString());
                }
                return true;
            });
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot list DuckDB's keywords: " + e.getMessage(), e);
        }
        return keywords;
    }

    /** Whether {@code value} is LIKE {@code pattern} ({@code %}, {@code _}, escape {@code \}); no pattern matches all. */
    static boolean matches(Optional<String> pattern, String value) {
        if (pattern.isEmpty()) {
            return true;
        }
        StringBuilder regex = new StringBuilder();
        String like = pattern.get();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
    }

    private static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Describing a table reads no view: its columns are fixed. */
    private static final ClusterViews NO_VIEWS = new ClusterViews() {
        @Override
        public List<PipelineView> pipelines() {
            return List.of();
        }

        @Override
        public List<WorkerView> workers() {
            return List.of();
        }
    };
}
