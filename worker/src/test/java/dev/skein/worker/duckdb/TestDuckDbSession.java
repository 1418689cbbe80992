package dev.skein.worker.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class TestDuckDbSession {
    @Test
    void roundTripsBatchesThroughDuckDbWithoutLeaks() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                DuckDbDatabase database = DuckDbDatabase.open(1, "512MB")) {
            try (DuckDbSession source = database.openSession(allocator);
                    DuckDbSession session = database.openSession(allocator)) {
                List<Long> sums = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    List<Long> produced = new ArrayList<>();
                    source.query("SELECT i AS id FROM range(100000) t(i)", 65536, batch -> {
                        BigIntVector ids = (BigIntVector) batch.getVector("id");
                        session.register("input", batch);
                        session.query("SELECT sum(id) AS s, count(*) AS n FROM input WHERE id % 2 = 0", 1024, out -> {
                            produced.add(((BigIntVector) out.getVector("n")).get(0));
                        });
                        assertThat(ids.getValueCount()).isEqualTo(batch.getRowCount());
                    });
                    sums.add(produced.stream().mapToLong(Long::longValue).sum());
                }
                assertThat(sums).containsExactly(50000L, 50000L, 50000L);
            }
            assertThat(allocator.getAllocatedMemory()).isZero();
        }
    }

    @Test
    void aFailureQuotesTheUsersSqlNotTheStatementThatExplainedIt() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                DuckDbDatabase database = DuckDbDatabase.open(1, "256MB")) {
            try (DuckDbSession source = database.openSession(allocator);
                    DuckDbSession session = database.openSession(allocator)) {
                List<String> messages = new ArrayList<>();
                source.query("SELECT 'x' AS s", 16, batch -> {
                    session.register("input", batch);
                    messages.add(session.explainFailure("SELECT s, nope FROM input", "fallback"));
                });

                assertThat(messages.get(0)).doesNotContain("skein_failed").contains("""
                        LINE 1: SELECT s, nope FROM input
                                          ^^^^""");
            }
            assertThat(allocator.getAllocatedMemory()).isZero();
        }
    }
}
