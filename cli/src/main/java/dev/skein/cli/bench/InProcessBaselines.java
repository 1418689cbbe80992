package dev.skein.cli.bench;

import dev.skein.cluster.values.ArrowValues;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SqlTransformSpec;
import dev.skein.spec.StageSpec;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.stage.SqlStageTransform;
import dev.skein.worker.duckdb.SourceSql;
import dev.skein.worker.duckdb.StreamingQueryChain;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The baselines Skein is measured against, in this JVM, all on one thread with one DuckDB thread:
 * the whole pipeline as one DuckDB query; the pipeline staged, each stage one long-lived streaming
 * DuckDB query over the previous stage's Arrow C stream (the best in-process way to run the same
 * stages); and the pipeline staged per batch, through Skein's own {@link SqlStageTransform} (accept, one batch at a time), one
 * query per batch (what Skein's worker does, minus the network and the processes). The staged
 * baselines run one task per stage: {@code enrich}'s hash partitioning is left out, it does not
 * change the result.
 */
final class InProcessBaselines {
    private static final Pattern INPUT = Pattern.compile("\\binput\\b");

    private InProcessBaselines() {}

    /**
     * @param seconds wall time
     * @param cpuNanos CPU time of this JVM during the run
     * @param sourceBytes Arrow bytes of the source's output (per-batch run only, else 0)
     * @param result the final rows as text
     */
    record Run(double seconds, long cpuNanos, long sourceBytes, List<List<String>> result) {}

    /** The pipeline as one query: each stage a CTE over the previous one. */
    static Run singleQuery(PipelineSpec spec, int threads) throws Exception {
        StringBuilder sql = new StringBuilder("WITH s0 AS (" + SourceSql.of(spec.source()) + ")");
        for (int i = 0; i < spec.stages().size(); i++) {
            String body = INPUT.matcher(sqlOf(spec.stages().get(i))).replaceAll(Matcher.quoteReplacement("s" + i));
            sql.append(", s").append(i + 1).append(" AS (").append(body).append(")");
        }
        sql.append(" SELECT * FROM s").append(spec.stages().size());
        try (BufferAllocator allocator = new RootAllocator();
                DuckDbDatabase database = DuckDbDatabase.open(threads, "4GB");
                DuckDbSession session = database.openSession(allocator)) {
            List<List<String>> result = new ArrayList<>();
            long start = System.nanoTime();
            long cpu = ProcessCpu.self();
            session.query(sql.toString(), spec.source().batchRows(), batch -> collect(batch, result));
            return new Run((System.nanoTime() - start) / 1e9, ProcessCpu.self() - cpu, 0, result);
        }
    }

    /**
     * The pipeline staged in streams: each stage one streaming DuckDB query reading the previous
     * stage's output as an Arrow C stream, registered once ({@link StreamingQueryChain}).
     */
    static Run staged(PipelineSpec spec) throws Exception {
        List<String> stages = spec.stages().stream().map(InProcessBaselines::sqlOf).toList();
        try (BufferAllocator allocator = new RootAllocator()) {
            List<List<String>> result = new ArrayList<>();
            long start = System.nanoTime();
            long cpu = ProcessCpu.self();
            StreamingQueryChain.run(allocator, SourceSql.of(spec.source()), stages, spec.source().batchRows(),
                    batch -> collect(batch, result));
            return new Run((System.nanoTime() - start) / 1e9, ProcessCpu.self() - cpu, 0, result);
        }
    }

    /** The pipeline staged per batch: source batches through each stage's DuckDB transform, one thread. */
    static Run perBatch(PipelineSpec spec) throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                DuckDbDatabase database = DuckDbDatabase.open(1, "4GB")) {
            List<DuckDbSession> sessions = new ArrayList<>();
            List<SqlStageTransform> transforms = new ArrayList<>();
            try (DuckDbSession source = database.openSession(allocator)) {
                for (StageSpec stage : spec.stages()) {
                    DuckDbSession session = database.openSession(allocator);
                    sessions.add(session);
                    SqlTransformSpec sql = (SqlTransformSpec) stage.transform();
                    transforms.add(new SqlStageTransform(session, allocator, sql.sql(), sql.mode(),
                            spec.source().batchRows(), Optional.empty(), Optional.empty()));
                }
                List<List<String>> result = new ArrayList<>();
                long[] bytes = {0};
                long start = System.nanoTime();
                long cpu = ProcessCpu.self();
                var sourceResult = source.query(SourceSql.of(spec.source()), spec.source().batchRows(), batch -> {
                    for (FieldVector vector : batch.getFieldVectors()) {
                        bytes[0] += vector.getBufferSize();
                    }
                    push(transforms, 0, batch, result);
                });
                finish(transforms, 0, sourceResult.schema(), result);
                return new Run((System.nanoTime() - start) / 1e9, ProcessCpu.self() - cpu,
                        bytes[0], result);
            } finally {
                for (DuckDbSession session : sessions) {
                    session.close();
                }
            }
        }
    }

    private static void push(List<SqlStageTransform> transforms, int stage, VectorSchemaRoot batch,
            List<List<String>> result) throws Exception {
        if (stage == transforms.size()) {
            collect(batch, result);
            return;
        }
        transforms.get(stage).accept(batch, out -> push(transforms, stage + 1, out, result));
    }

    private static void finish(List<SqlStageTransform> transforms, int stage,
            org.apache.arrow.vector.types.pojo.Schema schema, List<List<String>> result) throws Exception {
        if (stage == transforms.size()) {
            return;
        }
        // Upstream schemas are not needed here: every stage saw at least one batch in the benchmark.
        var output = transforms.get(stage).finish(schema, out -> push(transforms, stage + 1, out, result));
        finish(transforms, stage + 1, output, result);
    }

    private static void collect(VectorSchemaRoot batch, List<List<String>> result) {
        for (int row = 0; row < batch.getRowCount(); row++) {
            List<String> values = new ArrayList<>();
            for (FieldVector vector : batch.getFieldVectors()) {
                values.add(ArrowValues.text(ArrowValues.json(vector, row), "NULL"));
            }
            result.add(values);
        }
    }

    private static String sqlOf(StageSpec stage) {
        return ((SqlTransformSpec) stage.transform()).sql();
    }
}
