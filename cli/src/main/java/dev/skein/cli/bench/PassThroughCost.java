package dev.skein.cli.bench;

import dev.skein.spec.JavaTransformSpec;
import dev.skein.spec.Location;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.StageMode;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.stage.SqlStageTransform;
import dev.skein.worker.duckdb.SourceSql;
import dev.skein.worker.stage.JavaStageTransform;
import dev.skein.cluster.TaskKey;
import dev.skein.worker.stage.StageTask;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * What a pass-through stage costs per batch in one JVM, without processes or network: {@code
 * SELECT * FROM input} in DuckDB (the worker's {@link SqlStageTransform}) against {@link
 * PassThrough} (through the worker's {@link JavaStageTransform}), timed on the same source
 * batches. The two alternate which goes first, so that neither always finds the batch in cache.
 */
final class PassThroughCost {
    private PassThroughCost() {}

    /**
     * @param batches source batches each stage took
     * @param sqlNanos time spent in the SQL stage
     * @param javaNanos time spent in the Java stage
     */
    record Result(long batches, long sqlNanos, long javaNanos) {
        double sqlMicrosPerBatch() {
            return sqlNanos / 1e3 / batches;
        }

        double javaMicrosPerBatch() {
            return javaNanos / 1e3 / batches;
        }
    }

    static Result measure(PipelineSpec spec) throws Exception {
        int batchRows = spec.source().batchRows();
        JavaTransformSpec java = new JavaTransformSpec(PassThrough.class.getName(), Location.START, Map.of(),
                Location.START);
        StageTask task = new StageTask(new TaskKey("bench", 0, 1, 0), "pass", 1);
        long[] nanos = new long[2];
        long[] batches = {0};
        long[] rowsOut = {0};
        long rowsIn;
        try (BufferAllocator root = new RootAllocator();
                DuckDbDatabase database = DuckDbDatabase.open(1, "4GB");
                TransformLoader loader = TransformLoader.classPathOnly();
                DuckDbSession source = database.openSession(root);
                BufferAllocator stageAllocator = root.newChildAllocator("pass", 0, Long.MAX_VALUE);
                DuckDbSession session = database.openSession(stageAllocator);
                SqlStageTransform sqlStage = new SqlStageTransform(session, stageAllocator, "SELECT * FROM input",
                        StageMode.PER_BATCH, batchRows, Optional.empty(), Optional.empty());
                JavaStageTransform javaStage = JavaStageTransform.open(java, loader, task, stageAllocator)) {
            rowsIn = source.query(SourceSql.of(spec.source()), batchRows, batch -> {
                        boolean sqlFirst = batches[0] % 2 == 0;
                        for (int turn = 0; turn < 2; turn++) {
                            boolean sql = sqlFirst == (turn == 0);
                            long start = System.nanoTime();
                            if (sql) {
                                sqlStage.accept(batch, out -> rowsOut[0] += out.getRowCount());
                            } else {
                                javaStage.accept(batch, out -> rowsOut[0] += out.getRowCount());
                            }
                            nanos[sql ? 0 : 1] += System.nanoTime() - start;
                        }
                        batches[0]++;
                    })
                    .rows();
        }
        if (rowsOut[0] != 2 * rowsIn) {
            throw new SkeinException(ErrorCode.INTERNAL,
                    "pass-through stages emitted " + rowsOut[0] + " rows for 2 x " + rowsIn);
        }
        return new Result(batches[0], nanos[0], nanos[1]);
    }
}
