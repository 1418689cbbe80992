package dev.skein.worker.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A filter pushed into its source keeps exactly the rows the filter keeps (a NULL verdict drops the
 * row, as WHERE does), each in the partition DuckDB's hash gives it, and only the one shape of
 * filter is pushed.
 */
class TestPushedFilter {
    private static final String SOURCE = "SELECT i AS id, 'c' || (i % 8) AS category,"
            + " CASE WHEN i % 13 = 0 THEN NULL ELSE ((i * 7919) % 1000) / 10.0 END AS value FROM range(5000) t(i)";
    private static final String FILTER = "SELECT * FROM input WHERE value >= 25.0 AND category <> 'c3'";

    private final BufferAllocator allocator = new RootAllocator();
    private final DuckDbDatabase database = DuckDbDatabase.open(1, "256MB");

    @AfterEach
    void close() throws Exception {
        database.close();
        allocator.close();
    }

    @Test
    void onlyStarFromInputWhereIsPushed() throws Exception {
        try (DuckDbSession session = database.openSession(allocator)) {
            assertThat(PushedFilter.keepQuery(session, FILTER)).isPresent();
            assertThat(PushedFilter.keepQuery(session, "select * from INPUT where id % 2 = 0")).isPresent();
            for (String other : List.of("SELECT * FROM input", "SELECT id FROM input WHERE id > 1",
                    "SELECT *, 1 AS one FROM input WHERE id > 1", "SELECT * EXCLUDE (id) FROM input WHERE value > 1",
                    "SELECT DISTINCT * FROM input WHERE id > 1", "SELECT * FROM input WHERE id > 1 ORDER BY id",
                    "SELECT * FROM input WHERE id > 1 LIMIT 5",
                    "SELECT * FROM input WHERE value > (SELECT avg(value) FROM input)",
                    "WITH t AS (SELECT 1) SELECT * FROM input WHERE id > 1",
                    "SELECT * FROM input, range(2) r(k) WHERE id > 1", "SELECT * FROM other WHERE id > 1",
                    "SELECT * FROM input WHERE id > 1 QUALIFY row_number() OVER () = 1",
                    "SELECT * FROM input WHERE id > 1; SELECT 1", "not sql at all")) {
                assertThat(PushedFilter.keepQuery(session, other)).as(other).isEmpty();
            }
        }
    }

    @Test
    void theSourceKeepsTheFiltersRowsInDuckDbsPartitions() throws Exception {
        PushedFilter pushed = new PushedFilter(FILTER, new PartitionColumn(List.of("category"), 3));
        List<String> kept = new ArrayList<>();
        List<String> routed = new ArrayList<>();
        long[] sourceRows = {0};
        try (DuckDbSession session = database.openSession(allocator)) {
            String wrapped = pushed.wrap(session, SOURCE).orElseThrow();
            HashPartitioner partitioner = new HashPartitioner(List.of("category"), 3, allocator);
            Optional<org.apache.arrow.vector.types.pojo.Schema> schema = Optional.of(session.query(wrapped, 700,
                    batch -> {
                        IntVector verdicts = PushedFilter.of(batch).orElseThrow();
                        VectorSchemaRoot visible = PartitionColumn.visible(batch);
                        sourceRows[0] += visible.getRowCount();
                        for (int row = 0; row < visible.getRowCount(); row++) {
                            if (verdicts.get(row) >= 0) {
                                kept.add(verdicts.get(row) + ":" + rowOf(visible, row));
                            }
                        }
                        VectorSchemaRoot[] parts = partitioner.split(visible, verdicts);
                        for (int p = 0; p < parts.length; p++) {
                            if (parts[p] != null) {
                                try (VectorSchemaRoot part = parts[p]) {
                                    for (int row = 0; row < part.getRowCount(); row++) {
                                        routed.add(p + ":" + rowOf(part, row));
                                    }
                                }
                            }
                        }
                    }).schema());
            assertThat(PushedFilter.visible(schema.get()).getFields()).extracting(field -> field.getName())
                    .containsExactly("id", "category", "value");
        }
        assertThat(sourceRows[0]).as("the source's own rows are all there").isEqualTo(5000);
        List<String> expected = direct("SELECT CAST(hash(category) % 3 AS INTEGER) AS p, * FROM (" + SOURCE
                + ") WHERE value >= 25.0 AND category <> 'c3'");
        assertThat(kept).containsExactlyElementsOf(expected);
        assertThat(routed).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static String rowOf(VectorSchemaRoot batch, int row) {
        List<String> values = new ArrayList<>();
        for (FieldVector vector : batch.getFieldVectors()) {
            Object value = vector.getObject(row);
            values.add(value == null ? "NULL" : value.toString());
        }
        return String.join("|", values);
    }

    private static List<String> direct(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int c = 2; c <= columns; c++) {
                    String value = result.getString(c);
                    values.add(value == null ? "NULL" : value);
                }
                rows.add(result.getInt(1) + ":" + String.join("|", values));
            }
            return rows;
        }
    }
}
