package dev.skein.worker.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;

class TestStreamingQueryChain {
    private static final String SOURCE = "SELECT i AS id, 'c' || (i % 8) AS category, ((i * 7919) % 1000) / 10.0 AS value"
            + " FROM range(300000) t(i)";
    private static final List<String> STAGES = List.of(
            "SELECT * FROM input WHERE value >= 25.0",
            "SELECT *, value * 1.1 AS value_adj, id % 100 AS bucket FROM input",
            "SELECT category, count(*) AS n, sum(bucket) AS b, min(id) AS id_min FROM input GROUP BY category"
                    + " ORDER BY category");

    @Test
    void chainedStreamingStagesGiveWhatOneQueryGives() throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            List<String> chained = new ArrayList<>();
            DuckDbSession.QueryResult result = StreamingQueryChain.run(allocator, SOURCE, STAGES, 65536,
                    batch -> chained.addAll(rows(batch.getFieldVectors(), batch.getRowCount())));

            List<String> direct = new ArrayList<>();
            try (DuckDbDatabase database = DuckDbDatabase.open(1, "512MB");
                    DuckDbSession session = database.openSession(allocator)) {
                session.query("WITH s0 AS (" + SOURCE + "), s1 AS (" + STAGES.get(0).replace("input", "s0")
                                + "), s2 AS (" + STAGES.get(1).replace("input", "s1") + ") "
                                + STAGES.get(2).replace("input", "s2"), 1024,
                        batch -> direct.addAll(rows(batch.getFieldVectors(), batch.getRowCount())));
            }
            assertThat(result.rows()).isEqualTo(8);
            assertThat(chained).hasSize(8).isEqualTo(direct);
            assertThat(allocator.getAllocatedMemory()).isZero();
        }
    }

    @Test
    void aFailingStageFailsTheRunAndLeaksNothing() throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            assertThatThrownBy(() -> StreamingQueryChain.run(allocator, SOURCE,
                            List.of("SELECT no_such_column FROM input"), 1024, batch -> {}))
                    .hasMessageContaining("no_such_column");
            assertThat(allocator.getAllocatedMemory()).isZero();
        }
    }

    private static List<String> rows(List<FieldVector> vectors, int rowCount) {
        List<String> rows = new ArrayList<>();
        for (int row = 0; row < rowCount; row++) {
            List<String> values = new ArrayList<>();
            for (FieldVector vector : vectors) {
                values.add(String.valueOf(vector.getObject(row)));
            }
            rows.add(String.join("|", values));
        }
        return rows;
    }
}
