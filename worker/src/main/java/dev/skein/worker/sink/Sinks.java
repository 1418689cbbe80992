package dev.skein.worker.sink;

import dev.skein.spec.CountSinkSpec;
import dev.skein.spec.CsvSinkSpec;
import dev.skein.spec.DuckDbSinkSpec;
import dev.skein.spec.ParquetSinkSpec;
import dev.skein.spec.SinkSpec;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.cluster.TaskKey;
import java.nio.file.Path;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;

/** Builds the {@link Sink} for a sink spec. */
public final class Sinks {
    private Sinks() {}

    /**
     * @param parallelism tasks in the sink's stage
     * @param failedEpochs epochs of this submission's earlier runs, which failed: a sink undoes
     *     what their commits left where it can
     */
    public static Sink forSpec(
            SinkSpec spec,
            DuckDbDatabase database,
            TableStore tables,
            BufferAllocator allocator,
            TaskKey task,
            int parallelism,
            Set<Long> failedEpochs) {
        long epoch = task.epoch();
        int index = task.index();
        // the target is checked before a session is opened, so a refused path leaks none
        if (spec instanceof ParquetSinkSpec parquet) {
            Path target = FileSink.checkedTarget(database.dataRoots(), parquet.path());
            return new FileSink(database.openSession(allocator), allocator, target, "parquet", "(FORMAT parquet)",
                    task.pipeline(), epoch, index, parallelism, failedEpochs);
        }
        if (spec instanceof CsvSinkSpec csv) {
            Path target = FileSink.checkedTarget(database.dataRoots(), csv.path());
            return new FileSink(database.openSession(allocator), allocator, target, "csv", "(FORMAT csv, HEADER true)",
                    task.pipeline(), epoch, index, parallelism, failedEpochs);
        }
        if (spec instanceof DuckDbSinkSpec duckdb) {
            return new TableSink(tables.openSession(allocator), allocator, duckdb.table(), task, parallelism);
        }
        if (spec instanceof CountSinkSpec) {
            return new CountSink();
        }
        throw new IllegalArgumentException("unknown sink spec " + spec);
    }
}
