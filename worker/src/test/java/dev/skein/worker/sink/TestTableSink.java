package dev.skein.worker.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.cluster.PipelineAttempt;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.TaskKey;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A duckdb sink of parallelism > 1 commits all or nothing across its tasks, in a real table database. */
class TestTableSink {
    private static final Schema SCHEMA = new Schema(List.of(
            Field.nullable("id", new ArrowType.Int(64, true)), Field.nullable("tag", ArrowType.Utf8.INSTANCE)));
    /** Duplicates and nulls, which an undo by value would get wrong. */
    private static final String PREVIOUS = "SELECT * FROM (VALUES (1, 'a'), (1, 'a'), (2, NULL), (NULL, 'c')) t(id, tag)";

    @TempDir
    Path dir;

    private BufferAllocator allocator;
    private TableStore tables;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
        tables = TableStore.open(Optional.empty(), 1, "256MB");
    }

    @AfterEach
    void close() throws Exception {
        tables.close();
        assertThat(allocator.getAllocatedMemory()).isZero();
        allocator.close();
    }

    @Test
    void anAbortAfterTheCommitsPutsThePreviousRowsBackExactly() throws Exception {
        for (boolean firstAbortsFirst : List.of(true, false)) {
            execute("CREATE OR REPLACE TABLE t AS " + PREVIOUS);
            execute("CREATE OR REPLACE TABLE expected AS " + PREVIOUS);
            // Both tasks of the stage run on this worker: the second commit finds the copy kept.
            try (TableSink first = sink("t", 7, 0, 2); TableSink second = sink("t", 7, 1, 2)) {
                stage(first, 100, 3);
                stage(second, 200, 2);
                first.commit();
                second.commit();
                assertThat(count("t")).isEqualTo(4 + 3 + 2);
                assertThat(skeinTables()).containsExactly("skein_undo_7_t");
                (firstAbortsFirst ? first : second).abort();
                (firstAbortsFirst ? second : first).abort();
                first.abort();
            }
            assertSameRows("t", "expected");
            assertThat(skeinTables()).isEmpty();
        }
    }

    @Test
    void aReleaseAfterTheCommitsKeepsTheNewRowsAndDropsTheCopy() throws Exception {
        execute("CREATE TABLE t AS " + PREVIOUS);
        try (TableSink first = sink("t", 8, 0, 2); TableSink second = sink("t", 8, 1, 2)) {
            stage(first, 100, 3);
            stage(second, 200, 2);
            first.commit();
            second.commit();
            first.release();
            second.release();
        }
        execute("CREATE TABLE expected AS " + PREVIOUS
                + " UNION ALL SELECT 100 + i, 'new' FROM range(3) r(i) UNION ALL SELECT 200 + i, 'new' FROM range(2) r(i)");
        assertSameRows("t", "expected");
        assertThat(skeinTables()).isEmpty();
    }

    @Test
    void aTableTheCommitsCreatedIsDroppedAgainOnAbort() throws Exception {
        try (TableSink first = sink("fresh", 9, 0, 2); TableSink second = sink("fresh", 9, 1, 2)) {
            stage(first, 100, 3);
            stage(second, 200, 2);
            first.commit();
            assertThat(skeinTables()).containsExactly("skein_new_9_fresh", "skein_staging_70_9_1_1");
            assertThat(tables.clientTableNames()).as("clients never see Skein's own tables").containsExactly("fresh");
            second.commit();
            assertThat(count("fresh")).isEqualTo(5);
            second.abort();
            first.abort();
        }
        assertThat(tables.tableNames()).isEmpty();
    }

    @Test
    void aTaskWhoseCommitFailsLeavesTheTableToTheOthersUndo() throws Exception {
        execute("CREATE TABLE t AS " + PREVIOUS);
        execute("CREATE TABLE expected AS " + PREVIOUS);
        try (TableSink first = sink("t", 10, 0, 2); TableSink second = sink("t", 10, 1, 2)) {
            stage(first, 100, 3);
            stage(second, 200, 2);
            first.commit();
            execute("DROP TABLE \"skein_staging_" + Integer.toHexString("p".hashCode()) + "_10_1_1\"");
            assertThatThrownBy(second::commit).hasMessageContaining("skein_staging_");
            second.abort();
            assertThat(count("t")).isEqualTo(4 + 3);
            first.abort();
        }
        assertSameRows("t", "expected");
        assertThat(skeinTables()).isEmpty();
    }

    @Test
    void aStageOfOneTaskKeepsNoCopy() throws Exception {
        execute("CREATE TABLE t AS " + PREVIOUS);
        try (TableSink only = sink("t", 11, 0, 1)) {
            stage(only, 100, 3);
            only.commit();
            assertThat(skeinTables()).isEmpty();
            only.abort();
        }
        assertThat(count("t")).isEqualTo(4 + 3);
    }

    @Test
    void aRestartedWorkerDropsStagingTablesAndSettlesCopiesByHowTheirRunEnded() throws Exception {
        tables.close();
        tables = TableStore.open(Optional.of(dir.resolve("tables.duckdb")), 1, "256MB");
        execute("CREATE TABLE failed AS " + PREVIOUS);
        execute("CREATE TABLE won AS " + PREVIOUS);
        execute("CREATE TABLE expected AS " + PREVIOUS);
        // The process dies after committing (epochs 3 and 5) and while staging (epoch 5, task 1).
        TableSink failedRun = sink("failed", 3, 0, 2);
        TableSink wonRun = sink("won", 5, 0, 2);
        TableSink staging = sink("won", 5, 1, 2);
        stage(failedRun, 100, 3);
        failedRun.commit();
        stage(wonRun, 100, 3);
        wonRun.commit();
        stage(staging, 200, 2);
        for (TableSink died : List.of(failedRun, wonRun, staging)) {
            died.close();
        }
        tables.close();
        tables = TableStore.open(Optional.of(dir.resolve("tables.duckdb")), 1, "256MB");

        TableLeftovers leftovers = TableLeftovers.open(tables, allocator);
        assertThat(skeinTables()).containsExactly("skein_undo_3_failed", "skein_undo_5_won");
        // The failed run (epoch 3) was restarted as epoch 4, which runs; the run of epoch 5 is committing.
        PipelinePlan restarted = plan("p", 4, PipelineState.RUNNING, 3);
        PipelinePlan won = plan("q", 5, PipelineState.COMMITTING);
        leftovers.settle(won);
        leftovers.settle(restarted);
        assertSameRows("failed", "expected");
        assertThat(skeinTables()).containsExactly("skein_undo_5_won");
        leftovers.settle(plan("q", 5, PipelineState.SUCCEEDED));
        assertThat(skeinTables()).isEmpty();
        assertThat(count("won")).isEqualTo(4 + 3);
    }

    private TableSink sink(String table, long epoch, int index, int parallelism) {
        return new TableSink(tables.openSession(allocator), allocator, table,
                new TaskKey(epoch == 5 ? "q" : "p", epoch, 1, index), parallelism);
    }

    private static PipelinePlan plan(String pipeline, long epoch, PipelineState state, long... earlierEpochs) {
        PipelinePlan plan = new PipelinePlan(pipeline, epoch, state, "p.yaml", "", "/", List.of(), 1_000, 0,
                Optional.empty());
        List<PipelineAttempt> attempts = new java.util.ArrayList<>();
        for (long earlier : earlierEpochs) {
            attempts.add(PipelineAttempt.started(earlier, 1_000).ended(0, 2_000, "worker lost", Optional.empty()));
        }
        attempts.add(PipelineAttempt.started(epoch, 2_000));
        return plan.withHistory(1_000, attempts);
    }

    /** Stages {@code rows} rows {@code from, from + 1, ...} tagged 'new', in two batches. */
    private void stage(TableSink sink, long from, int rows) throws Exception {
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, allocator)) {
            for (int half = 0; half < 2; half++) {
                int start = half == 0 ? 0 : rows / 2;
                int end = half == 0 ? rows / 2 : rows;
                batch.allocateNew();
                for (int i = start; i < end; i++) {
                    ((BigIntVector) batch.getVector(0)).setSafe(i - start, from + i);
                    ((VarCharVector) batch.getVector(1)).setSafe(i - start, "new".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                batch.setRowCount(end - start);
                sink.write(batch);
            }
        }
        sink.finish(SCHEMA);
    }

    private void assertSameRows(String actual, String expected) throws Exception {
        assertThat(count(actual)).isEqualTo(count(expected));
        assertThat(count("(SELECT * FROM " + actual + " EXCEPT ALL SELECT * FROM " + expected + ")")).isZero();
        assertThat(count("(SELECT * FROM " + expected + " EXCEPT ALL SELECT * FROM " + actual + ")")).isZero();
    }

    private List<String> skeinTables() {
        return tables.tableNames().stream().filter(name -> name.startsWith("skein_")).toList();
    }

    private void execute(String sql) throws Exception {
        try (DuckDbSession session = tables.openSession(allocator)) {
            session.execute(sql);
        }
    }

    private long count(String relation) throws Exception {
        long[] count = {0};
        try (DuckDbSession session = tables.openSession(allocator)) {
            session.query("SELECT count(*) FROM " + relation, 1,
                    batch -> count[0] = ((BigIntVector) batch.getVector(0)).get(0));
        }
        return count[0];
    }
}
