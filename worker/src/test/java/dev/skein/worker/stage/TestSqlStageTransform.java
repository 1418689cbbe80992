package dev.skein.worker.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.spec.StageMode;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.QueryShape;
import dev.skein.worker.exchange.Batches;
import dev.skein.worker.exchange.PartitionColumn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SQL stages against DuckDB computing the same answer directly, over input that arrives as many
 * batches at once (so stateless queries run over several batches per query) with nulls, decimals
 * and text.
 */
class TestSqlStageTransform {
    private static final String SOURCE = """
            SELECT i AS id, 'g' || (i % 5) AS grp,
                   CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 1000)::DECIMAL(18,3) / 7 END AS d,
                   CASE WHEN i % 11 = 0 THEN NULL ELSE 'x' || i END AS t
            FROM range(10500) r(i)""";
    private static final int BATCH_ROWS = 1000;
    private static final int SMALL_BATCH_ROWS = 200;

    private final BufferAllocator allocator = new RootAllocator();
    private final DuckDbDatabase database = DuckDbDatabase.open(1, "256MB");
    private final List<VectorSchemaRoot> input = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        AutoCloseables.close(input);
        AutoCloseables.close(database, allocator);
    }

    @Test
    void aRowByRowQueryOverManyBatchesGivesDuckDbsRowsInOrder() throws Exception {
        String sql = "SELECT id, grp, d * 2 AS d2, upper(t) AS t FROM input WHERE d IS NULL OR d > 50";

        List<List<Object>> rows = run(sql, StageMode.PER_BATCH).rows();

        assertThat(rows).containsExactlyElementsOf(direct(sql.replace("FROM input", "FROM (" + SOURCE + ")")));
        assertThat(rows).hasSizeGreaterThan(1000);
    }

    /**
     * Under load a row-by-row query takes every waiting batch up to 16, but stops at 32 MiB, so a
     * task never holds 16 wide batches on top of a full inbox. Each query is its own transaction.
     */
    @Test
    void wideBatchesGoFewerToAQuery() throws Exception {
        List<VectorSchemaRoot> wide = new ArrayList<>();
        try (DuckDbSession session = database.openSession(allocator)) {
            session.query("SELECT i AS id, repeat('x', 100) AS payload FROM range(10 * 65536) t(i)", 65536,
                    batch -> wide.add(Batches.copy(batch, allocator)));
        }
        try {
            assertThat(Batches.bytes(wide.get(0))).isBetween(6L << 20, 8L << 20);
            String sql = "SELECT id, txid_current() AS tx FROM input";
            Run run = runOver(wide, sql, StageMode.PER_BATCH, Optional.empty(),
                    "SELECT i AS id, repeat('x', 100) AS payload FROM range(0) t(i)");

            assertThat(run.rows()).hasSize(10 * 65536);
            assertThat(run.rows().stream().map(row -> row.get(1)).distinct()).as("queries").hasSize(2);
            generate();
            assertThat(runOver(input, sql, StageMode.PER_BATCH).rows().stream().map(row -> row.get(1)).distinct())
                    .as("queries over 11 narrow batches").hasSize(1);
        } finally {
            AutoCloseables.close(wide);
        }
    }

    @Test
    void aStatefulPerBatchQueryStillAnswersPerBatch() throws Exception {
        Run run = run("SELECT count(*) AS n, count(d) AS with_d FROM input", StageMode.PER_BATCH);

        assertThat(run.rows()).hasSize(11);
        assertThat(run.rows().get(0).get(0)).isEqualTo(1000L);
        assertThat(run.rows().get(10).get(0)).isEqualTo(500L);
    }

    @Test
    void aFinalQueryGivesDuckDbsAnswerEvenWhenItReadsInputTwice() throws Exception {
        String sql = """
                SELECT grp, count(*) AS n, sum(d) AS s, min(t) AS t_min,
                       count(*) FILTER (WHERE d > (SELECT avg(d) FROM input)) AS above
                FROM input GROUP BY grp ORDER BY grp""";

        List<List<Object>> rows = run(sql, StageMode.FINAL).rows();

        assertThat(rows).containsExactlyElementsOf(direct(sql.replace("FROM input", "FROM (" + SOURCE + ")")));
    }

    @Test
    void emptyInputGivesTheEmptyGroupsDuckDbGives() throws Exception {
        Run finalRun = runOver(List.of(), "SELECT count(*) AS n, sum(d) AS s FROM input", StageMode.FINAL);
        assertThat(finalRun.rows()).containsExactly(java.util.Arrays.asList(0L, null));

        Run perBatch = runOver(List.of(), "SELECT id FROM input WHERE d > 1", StageMode.PER_BATCH);
        assertThat(perBatch.rows()).isEmpty();
        assertThat(perBatch.schema().getFields()).extracting(field -> field.getName()).containsExactly("id");
    }

    @Test
    void projectionsOnlyHandLaterInputToAReadyFusionAndRunTheirOwnQueryFirst() throws Exception {
        String sql = "SELECT *, d * 2 AS d2 FROM input";
        RecordingFusion fusion = new RecordingFusion(true);

        Run run = runFused(sql, fusion);

        // The first 16 small batches run here (the schema and row width come from them); the rest is handed over.
        int ownRows = SqlStageTransform.MAX_BATCHES_PER_QUERY * SMALL_BATCH_ROWS;
        assertThat(run.rows()).containsExactlyElementsOf(
                direct(sql.replace("FROM input", "FROM (" + SOURCE + ") WHERE id < " + ownRows)));
        assertThat(fusion.rows).containsExactlyElementsOf(direct(SOURCE + " OFFSET " + ownRows));
        assertThat(fusion.outputs).isNotEmpty().allSatisfy(output -> assertThat(output).isEqualTo(run.schema()));
    }

    @Test
    void aFilterOrAFusionThatIsNotReadyRunsEveryBatchItself() throws Exception {
        for (String sql : List.of("SELECT *, d * 2 AS d2 FROM input WHERE d > 50", "SELECT *, d * 2 AS d2 FROM input")) {
            // The filter's fusion is ready but a filter never fuses; the projection's is not ready.
            RecordingFusion fusion = new RecordingFusion(sql.contains("WHERE"));

            Run run = runFused(sql, fusion);

            assertThat(run.rows()).as(sql).containsExactlyElementsOf(direct(sql.replace("FROM input", "FROM (" + SOURCE + ")")));
            assertThat(fusion.rows).as(sql).isEmpty();
        }
    }

    @Test
    void duckDbsPlanTellsProjectionsFromFilters() throws Exception {
        generate();
        try (DuckDbSession session = database.openSession(allocator)) {
            VectorSchemaRoot sample = input.get(0);
            assertThat(session.shape("SELECT *, d * 2 AS d2, upper(t) AS u FROM input", sample))
                    .isEqualTo(QueryShape.ONE_ROW_PER_ROW);
            assertThat(session.shape("SELECT * FROM input", sample)).isEqualTo(QueryShape.ONE_ROW_PER_ROW);
            assertThat(session.shape("SELECT *, d * 2 AS d2 FROM input WHERE d > 2", sample))
                    .isEqualTo(QueryShape.ROW_BY_ROW);
            assertThat(session.shape("SELECT count(*) FROM input", sample)).isEqualTo(QueryShape.OTHER);
        }
    }

    /** Runs {@code sql} per batch over SOURCE in small batches, with {@code fusion}. */
    private Run runFused(String sql, RecordingFusion fusion) throws Exception {
        List<VectorSchemaRoot> small = new ArrayList<>();
        try {
            try (DuckDbSession session = database.openSession(allocator)) {
                session.query(SOURCE, SMALL_BATCH_ROWS, batch -> small.add(Batches.copy(batch, allocator)));
            }
            Deque<VectorSchemaRoot> waiting = new ArrayDeque<>(small);
            small.clear();
            BatchInput queued = queued(waiting, schemaOf(SOURCE));
            List<List<Object>> rows = new ArrayList<>();
            try (DuckDbSession session = database.openSession(allocator);
                    SqlStageTransform stage = new SqlStageTransform(session, allocator, sql, StageMode.PER_BATCH,
                            BATCH_ROWS, Optional.empty(), Optional.of(fusion))) {
                Schema output = stage.run(queued, batch -> rows.addAll(rowsOf(batch)));
                assertThat(waiting).isEmpty();
                return new Run(output, rows);
            }
        } finally {
            AutoCloseables.close(small);
        }
    }

    /** A fusion that keeps the rows handed to it and closes the batches. */
    private static final class RecordingFusion implements StageFusion {
        final boolean ready;
        final List<List<Object>> rows = new ArrayList<>();
        final List<Schema> outputs = new ArrayList<>();

        RecordingFusion(boolean ready) {
            this.ready = ready;
        }

        @Override
        public boolean ready(Schema input, Schema output) {
            outputs.add(output);
            return ready;
        }

        @Override
        public void take(List<VectorSchemaRoot> batches) throws Exception {
            for (VectorSchemaRoot batch : batches) {
                rows.addAll(rowsOf(batch));
            }
            AutoCloseables.close(batches);
        }
    }

    @Test
    void duckDbsPlanTellsRowByRowQueriesFromTheRest() throws Exception {
        generate();
        try (DuckDbSession session = database.openSession(allocator)) {
            VectorSchemaRoot sample = input.get(0);
            for (String rowByRow : List.of("SELECT * FROM input", "SELECT id + 1 AS x FROM input WHERE d > 2",
                    "SELECT *, upper(t) AS u FROM input WHERE t LIKE 'x1%' AND id % 2 = 0")) {
                assertThat(session.isRowByRow(rowByRow, sample)).as(rowByRow).isTrue();
            }
            for (String stateful : List.of("SELECT count(*) FROM input", "SELECT * FROM input LIMIT 3",
                    "SELECT * FROM input ORDER BY id", "SELECT DISTINCT grp FROM input",
                    "SELECT *, row_number() OVER () AS n FROM input", "SELECT id FROM input UNION ALL SELECT 1",
                    "SELECT * FROM input, range(2) r(k)", "SELECT *, (SELECT max(id) FROM input) AS m FROM input",
                    "SELECT unnest([1, 2]) AS k, * FROM input")) {
                assertThat(session.isRowByRow(stateful, sample)).as(stateful).isFalse();
            }
        }
    }

    @Test
    void aStageThatFeedsAHashEdgeHasDuckDbComputeEachRowsPartition() throws Exception {
        String sql = "SELECT id, grp, t, d * 2 AS d2 FROM input WHERE id % 3 <> 0";
        PartitionColumn partition = new PartitionColumn(List.of("grp", "t"), 3);
        List<List<Object>> expected = direct(sql.replace("FROM input", "FROM (" + SOURCE + ")"));

        for (StageMode mode : StageMode.values()) {
            generate();
            Run run = runOver(input, sql, mode, Optional.of(partition));

            assertThat(run.schema().getFields()).extracting(field -> field.getName())
                    .as(mode.name()).containsExactly("id", "grp", "t", "d2", PartitionColumn.NAME);
            assertThat(PartitionColumn.visible(run.schema()).getFields()).hasSize(4);
            List<List<Object>> visible = run.rows().stream().map(row -> row.subList(0, 4)).toList();
            assertThat(visible).as(mode.name()).containsExactlyInAnyOrderElementsOf(expected);
            java.util.Map<List<Object>, Object> partitionOfKey = new java.util.HashMap<>();
            for (List<Object> row : run.rows()) {
                Object owner = partitionOfKey.putIfAbsent(java.util.Arrays.asList(row.get(1), row.get(2)), row.get(4));
                assertThat(owner == null || owner.equals(row.get(4))).as("one partition per key: " + row).isTrue();
            }
            assertThat(run.rows()).extracting(row -> row.get(4)).containsOnly(0L, 1L, 2L);
        }
    }

    @Test
    void aUserColumnNamedLikeThePartitionColumnStaysAsWritten() throws Exception {
        Run run = runOver(List.of(), "SELECT id AS " + PartitionColumn.NAME + ", grp FROM input", StageMode.PER_BATCH,
                Optional.of(new PartitionColumn(List.of("grp"), 2)));

        assertThat(PartitionColumn.visible(run.schema()).getFields()).extracting(field -> field.getName())
                .containsExactly(PartitionColumn.NAME, "grp");
    }

    private record Run(Schema schema, List<List<Object>> rows) {}

    private Run run(String sql, StageMode mode) throws Exception {
        generate();
        return runOver(input, sql, mode);
    }

    /** Runs the stage with every batch already waiting, as under load. */
    private Run runOver(List<VectorSchemaRoot> batches, String sql, StageMode mode) throws Exception {
        return runOver(batches, sql, mode, Optional.empty());
    }

    private Run runOver(List<VectorSchemaRoot> batches, String sql, StageMode mode, Optional<PartitionColumn> partition)
            throws Exception {
        return runOver(batches, sql, mode, partition, SOURCE);
    }

    private Run runOver(List<VectorSchemaRoot> batches, String sql, StageMode mode, Optional<PartitionColumn> partition,
            String source) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        Deque<VectorSchemaRoot> waiting = new ArrayDeque<>();
        for (VectorSchemaRoot batch : batches) {
            waiting.add(Batches.share(batch, allocator));
        }
        BatchInput queued = queued(waiting, schemaOf(source));
        Schema output;
        try (DuckDbSession session = database.openSession(allocator);
                SqlStageTransform stage =
                        new SqlStageTransform(session, allocator, sql, mode, BATCH_ROWS, partition, Optional.empty())) {
            output = stage.run(queued, batch -> rows.addAll(rowsOf(batch)));
        }
        assertThat(waiting).isEmpty();
        return new Run(output, rows);
    }

    /** An input whose batches all wait already, in order. */
    private static BatchInput queued(Deque<VectorSchemaRoot> waiting, Schema inputSchema) {
        return new BatchInput() {
            @Override
            public Optional<VectorSchemaRoot> take() {
                return Optional.ofNullable(waiting.poll());
            }

            @Override
            public Optional<VectorSchemaRoot> poll() {
                return Optional.ofNullable(waiting.poll());
            }

            @Override
            public Schema awaitSchema() {
                return inputSchema;
            }

            @Override
            public Schema schemaOrNull() {
                return inputSchema;
            }
        };
    }

    private void generate() throws Exception {
        if (!input.isEmpty()) {
            return;
        }
        try (DuckDbSession session = database.openSession(allocator)) {
            session.query(SOURCE, BATCH_ROWS, batch -> input.add(Batches.copy(batch, allocator)));
        }
    }

    private Schema schemaOf(String source) throws Exception {
        try (DuckDbSession session = database.openSession(allocator)) {
            return session.query(source + " LIMIT 0", 1, batch -> {}).schema();
        }
    }

    private static List<List<Object>> rowsOf(VectorSchemaRoot batch) {
        List<List<Object>> rows = new ArrayList<>();
        for (int row = 0; row < batch.getRowCount(); row++) {
            List<Object> values = new ArrayList<>();
            for (FieldVector vector : batch.getFieldVectors()) {
                Object value = vector.getObject(row);
                values.add(value == null ? null : normalize(value));
            }
            rows.add(values);
        }
        return rows;
    }

    /** Arrow's and JDBC's Java types differ (Text vs String, BigDecimal scales): compare as text. */
    private static Object normalize(Object value) {
        if (value instanceof java.math.BigDecimal decimal) {
            return decimal.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number number && !(value instanceof Double)) {
            return number.longValue();
        }
        return value instanceof Double ? value : value.toString();
    }

    private static List<List<Object>> direct(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    row.add(value == null ? null : normalize(value));
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
