package dev.skein.coordinator.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TestClusterQuery {
    private static final Schema TAP_SCHEMA = new Schema(List.of(
            Field.nullable("id", new ArrowType.Int(64, true)), Field.nullable("doubled", new ArrowType.Int(64, true))));

    private BufferAllocator allocator;
    private EndlessTaps taps;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
        taps = new EndlessTaps();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void systemTablesResolveDespiteDuckDbsOwnSystemCatalog() throws Exception {
        List<List<Object>> rows = run("SELECT p.name, p.state, p.epoch, attempts, submitted_at::VARCHAR, w.id"
                + " FROM system.pipelines p JOIN system.tasks t ON t.pipeline = p.name"
                + " JOIN system.workers w ON w.id = t.worker WHERE t.stage = 'enrich' ORDER BY w.id");

        assertThat(rows).containsExactly(
                List.of("w1", "RUNNING", 3L, 2, "2026-01-01 00:00:00", "worker-1"),
                List.of("w1", "RUNNING", 3L, 2, "2026-01-01 00:00:00", "worker-2"));
        assertThat(run("SELECT pipelines.name FROM system.pipelines")).containsExactly(List.of("w1"));
    }

    @Test
    void aTapStreamsUntilTheLimitAndIsClosed() throws Exception {
        List<List<Object>> rows = run("SELECT id, doubled FROM taps.\"w1.enrich\" WHERE doubled = 2 * id LIMIT 1000");

        assertThat(rows).hasSize(1_000);
        assertThat(rows.get(999)).isEqualTo(List.of(999L, 1_998L));
        assertThat(taps.opened).containsExactly(new StageName("w1", "enrich"));
        assertThat(taps.closed).isTrue();
        assertThat(taps.rowsServed.get()).as("the tap stops soon after the limit").isLessThan(100_000);
    }

    @Test
    void describingATapReadsNoRows() {
        try (ClusterQuery query = ClusterQuery.open("SELECT id + 1 AS next FROM taps.\"w1.enrich\"",
                TestingClusters.views(), taps, Instant.now())) {
            assertThat(query.describe(allocator).getFields()).extracting(Field::getName).containsExactly("next");
        }
        assertThat(taps.opened).isEmpty();
    }

    @Test
    void anInterruptStopsAQueryThatComputesForLong() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (ClusterQuery query = ClusterQuery.open("SELECT sum(i) FROM range(100000000000) t(i)",
                TestingClusters.views(), taps, Instant.now().plus(Duration.ofSeconds(30)))) {
            timer.schedule(query::interrupt, 200, TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> query.query(1024, allocator, batch -> true))
                    .isInstanceOfSatisfying(SkeinException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CANCELLED))
                    .hasMessage("the query was interrupted");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void statementsThatAreNotQueriesAreRefused() {
        for (String statement : List.of("INSERT INTO t VALUES (1)", "ATTACH 'x.db'", "COPY (SELECT 1) TO 'out.csv'",
                "SET threads = 8", "INSTALL httpfs")) {
            assertThatThrownBy(() -> ClusterQuery.open(statement, TestingClusters.views(), taps, Instant.now()))
                    .as(statement)
                    .isInstanceOfSatisfying(SkeinException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessageStartingWith("the coordinator answers read-only queries only (one SELECT over the"
                            + " system and taps tables); this statement is not a query: ");
        }
    }

    @Test
    void errorsAreDuckDbs() {
        assertThatThrownBy(() -> run("SELECT nme FROM system.pipelines"))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageStartingWith("Binder Error: Referenced column \"nme\" not found in FROM clause!");
        assertThatThrownBy(() -> run("SELEC 1"))
                .hasMessageStartingWith("Parser Error: syntax error at or near \"SELEC\"");
        assertThatThrownBy(() -> run("SELECT * FROM system.pipeline"))
                .hasMessage("no table system.pipeline; the system tables are pipelines, stages, tasks, workers");
        assertThatThrownBy(() -> run("SELECT * FROM read_csv('/etc/passwd')"))
                .hasMessageContaining("disabled");
    }

    private List<List<Object>> run(String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (ClusterQuery query = ClusterQuery.open(sql, TestingClusters.views(), taps,
                Instant.now().plus(Duration.ofSeconds(30)))) {
            query.query(1024, allocator, batch -> {
                for (int row = 0; row < batch.getRowCount(); row++) {
                    List<Object> values = new ArrayList<>();
                    for (FieldVector vector : batch.getFieldVectors()) {
                        Object value = vector.getObject(row);
                        values.add(value instanceof org.apache.arrow.vector.util.Text ? value.toString() : value);
                    }
                    rows.add(values);
                }
                return true;
            });
        }
        return rows;
    }

    /** Taps that never end on their own: rows (i, 2 i) in batches of 100. */
    private static final class EndlessTaps implements TapSource {
        final List<StageName> opened = new ArrayList<>();
        final AtomicLong rowsServed = new AtomicLong();
        volatile boolean closed;

        @Override
        public List<StageName> running() {
            return List.of(new StageName("w1", "enrich"));
        }

        @Override
        public Schema schemaOf(StageName stage) {
            return TAP_SCHEMA;
        }

        @Override
        public ArrowReader open(StageName stage, BufferAllocator allocator, Instant deadline) {
            opened.add(stage);
            AtomicBoolean ended = new AtomicBoolean();
            return new ArrowReader(allocator) {
                @Override
                public boolean loadNextBatch() throws java.io.IOException {
                    VectorSchemaRoot root = getVectorSchemaRoot();
                    root.allocateNew();
                    BigIntVector id = (BigIntVector) root.getVector("id");
                    BigIntVector doubled = (BigIntVector) root.getVector("doubled");
                    long first = rowsServed.getAndAdd(100);
                    for (int i = 0; i < 100; i++) {
                        id.setSafe(i, first + i);
                        doubled.setSafe(i, 2 * (first + i));
                    }
                    root.setRowCount(100);
                    return !ended.get();
                }

                @Override
                public long bytesRead() {
                    return 0;
                }

                @Override
                protected void closeReadSource() {
                    closed = true;
                }

                @Override
                protected Schema readSchema() {
                    return TAP_SCHEMA;
                }
            };
        }
    }
}
