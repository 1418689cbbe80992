package dev.skein.coordinator.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cluster.flight.sql.SqlTable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TestClusterCatalog {
    private static final Schema ENRICH = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
            Field.nullable("doubled", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

    private BufferAllocator allocator;
    private ClusterCatalog catalog;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
        catalog = new ClusterCatalog(new FixedTaps(), allocator);
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void listsTheSystemTablesAndARunningStagesTaps() {
        assertThat(catalog.catalogs()).containsExactly("skein");
        assertThat(catalog.schemas(Optional.empty(), Optional.empty()))
                .containsExactly(List.of("skein", "system"), List.of("skein", "taps"));
        assertThat(catalog.schemas(Optional.of("memory"), Optional.empty())).isEmpty();
        assertThat(catalog.tables(Optional.empty(), Optional.empty(), Optional.empty(), List.of())).containsExactly(
                new SqlTable("skein", "system", "pipelines", "SYSTEM TABLE"),
                new SqlTable("skein", "system", "stages", "SYSTEM TABLE"),
                new SqlTable("skein", "system", "tasks", "SYSTEM TABLE"),
                new SqlTable("skein", "system", "workers", "SYSTEM TABLE"),
                new SqlTable("skein", "taps", "w1.source", "VIEW"),
                new SqlTable("skein", "taps", "w1.enrich", "VIEW"));
    }

    @Test
    void filtersAsSqlLike() {
        assertThat(catalog.tables(Optional.of("skein"), Optional.of("t_ps"), Optional.of("%.enrich"), List.of()))
                .containsExactly(new SqlTable("skein", "taps", "w1.enrich", "VIEW"));
        assertThat(catalog.tables(Optional.empty(), Optional.of("sys%"), Optional.of("t%"), List.of("SYSTEM TABLE")))
                .containsExactly(new SqlTable("skein", "system", "tasks", "SYSTEM TABLE"));
        assertThat(catalog.tables(Optional.empty(), Optional.empty(), Optional.of("w1\\_source"), List.of())).isEmpty();
        assertThat(catalog.tables(Optional.empty(), Optional.empty(), Optional.empty(), List.of("TABLE"))).isEmpty();
    }

    @Test
    void schemasAreWhatAQueryReturns() {
        assertThat(catalog.schemaOf(new SqlTable("skein", "taps", "w1.enrich", "VIEW"))).isEqualTo(ENRICH);
        Schema pipelines = catalog.schemaOf(new SqlTable("skein", "system", "pipelines", "SYSTEM TABLE"));
        assertThat(pipelines.getFields()).extracting(Field::getName).containsExactly("name", "state", "epoch",
                "attempts", "failure", "submitted_at", "elapsed_ms", "stages", "tasks", "source_rows",
                "rows_per_second");
        assertThat(pipelines.findField("submitted_at").getType())
                .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
        assertThat(catalog.keywords()).contains("SELECT", "FROM");
    }

    /** Pipeline w1 runs; its stage enrich outputs (id, doubled). */
    private static final class FixedTaps implements TapSource {
        @Override
        public List<StageName> running() {
            return List.of(new StageName("w1", "source"), new StageName("w1", "enrich"));
        }

        @Override
        public Schema schemaOf(StageName stage) {
            return ENRICH;
        }

        @Override
        public ArrowReader open(StageName stage, BufferAllocator allocator, Instant deadline) {
            throw new AssertionError("describing a table opens no tap");
        }
    }
}
