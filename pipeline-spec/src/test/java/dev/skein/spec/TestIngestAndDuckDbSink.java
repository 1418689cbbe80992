package dev.skein.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestIngestAndDuckDbSink {
    @Test
    void ingestSourceWithItsColumnsAndADuckDbSink() {
        PipelineSpec spec = SpecParser.parse("p.yaml", """
                name: events
                source:
                  type: ingest
                  schema:
                    id: BIGINT
                    amount: DECIMAL(18, 3)
                stages:
                  - name: copy
                    sql: SELECT * FROM input
                sinks:
                  - type: duckdb
                    table: events_out
                """, Path.of("/tmp"));

        assertThat(spec.source()).isEqualTo(new IngestSourceSpec(List.of(
                        new IngestSourceSpec.ColumnSpec("id", "BIGINT", new Location(5, 5)),
                        new IngestSourceSpec.ColumnSpec("amount", "DECIMAL(18, 3)", new Location(6, 5))),
                SourceSpec.DEFAULT_BATCH_ROWS, new Location(2, 1)));
        assertThat(spec.sinks()).containsExactly(new DuckDbSinkSpec("events_out", new Location(11, 5)));
    }
}
