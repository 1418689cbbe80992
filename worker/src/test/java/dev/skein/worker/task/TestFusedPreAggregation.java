package dev.skein.worker.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.exchange.Batches;
import dev.skein.worker.tap.TapHub;
import dev.skein.worker.tap.TapSubscription;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stage fused into the next stage's pre-aggregation gives the partial rows the unfused statement
 * gives over the stage's output, counts the stage's rows, and stands aside while a tap is open.
 */
class TestFusedPreAggregation {
    private static final String SOURCE = "SELECT i AS id, 'g' || (i % 5) AS grp,"
            + " CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 1000)::DECIMAL(18,3) / 7 END AS d"
            + " FROM range(10000) r(i)";
    private static final String STAGE = "SELECT *, d * 2 AS d2, id % 3 AS bucket FROM input";
    private static final String PARTIAL = "SELECT grp, bucket, count(*) AS n, sum(d2) AS s, min(d) AS lo"
            + " FROM input GROUP BY grp, bucket";

    private final BufferAllocator allocator = new RootAllocator();
    private final DuckDbDatabase database = DuckDbDatabase.open(1, "256MB");
    private final TapHub taps = new TapHub(allocator);
    private final TaskCounters counters = new TaskCounters();

    @AfterEach
    void close() throws Exception {
        taps.end(null);
        AutoCloseables.close(database, allocator);
    }

    @Test
    void fusedPartialRowsAreTheUnfusedStatementsOverTheStagesOutput() throws Exception {
        List<VectorSchemaRoot> input = query(SOURCE);
        Schema inputSchema = input.get(0).getSchema();
        Schema outputSchema = schemaOf(STAGE.replace("FROM input", "FROM (" + SOURCE + ")"));
        // The unfused partial statement over the stage's output, as the stage's own queries make it.
        List<String> expected = rowsOf(query(PARTIAL.replace("FROM input",
                "FROM (" + STAGE.replace("FROM input", "FROM (" + SOURCE + ")") + ")") + " ORDER BY ALL"));
        counters.countOut(input.get(0)); // the stage made its first rows itself: that is their width
        long firstBytes = counters.bytesOut();

        List<String> partialRows = new ArrayList<>();
        try (FusedPreAggregation fused = fused()) {
            assertThat(fused.ready(inputSchema, outputSchema)).isTrue();
            fused.take(input);
            Schema expectedSchema = schemaOf(PARTIAL.replace("FROM input",
                    "FROM (" + STAGE.replace("FROM input", "FROM (" + SOURCE + ")") + ")"));
            fused.finish(expectedSchema, batch -> partialRows.addAll(rowsOf(List.of(Batches.copy(batch, allocator)))));
        }

        assertThat(partialRows).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(counters.rowsOut()).isEqualTo(10_000 + 1000);
        assertThat(counters.batchesOut()).isEqualTo(10 + 1);
        assertThat(counters.bytesOut()).isEqualTo(11 * firstBytes);
        assertThat(allocator.getAllocatedMemory()).isZero();
    }

    @Test
    void anOpenTapKeepsTheStagesOwnQuery() throws Exception {
        List<VectorSchemaRoot> input = query(SOURCE);
        Schema inputSchema = input.get(0).getSchema();
        Schema outputSchema = schemaOf(STAGE.replace("FROM input", "FROM (" + SOURCE + ")"));
        try (FusedPreAggregation fused = fused()) {
            TapSubscription tap = taps.subscribe();
            assertThat(fused.ready(inputSchema, outputSchema)).isFalse();
            taps.unsubscribe(tap);
            assertThat(fused.ready(inputSchema, outputSchema)).isTrue();
        } finally {
            AutoCloseables.close(input);
        }
    }

    private FusedPreAggregation fused() {
        return new FusedPreAggregation(database, allocator, STAGE, PARTIAL, 1000, "stage 'enrich' task 0", counters,
                taps, () -> false);
    }

    private List<VectorSchemaRoot> query(String sql) throws Exception {
        List<VectorSchemaRoot> batches = new ArrayList<>();
        try (DuckDbSession session = database.openSession(allocator)) {
            session.query(sql, 1000, batch -> batches.add(Batches.copy(batch, allocator)));
        }
        return batches;
    }

    private Schema schemaOf(String sql) throws Exception {
        try (DuckDbSession session = database.openSession(allocator)) {
            return session.query(sql + " LIMIT 0", 1, batch -> {}).schema();
        }
    }

    /** Each row as text, and the batches closed. */
    private static List<String> rowsOf(List<VectorSchemaRoot> batches) throws Exception {
        List<String> rows = new ArrayList<>();
        for (VectorSchemaRoot batch : batches) {
            for (int row = 0; row < batch.getRowCount(); row++) {
                List<Object> values = new ArrayList<>();
                for (var vector : batch.getFieldVectors()) {
                    values.add(vector.getObject(row));
                }
                rows.add(values.toString());
            }
        }
        AutoCloseables.close(batches);
        return rows;
    }
}
