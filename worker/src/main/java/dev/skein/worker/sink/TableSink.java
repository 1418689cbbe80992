package dev.skein.worker.sink;

import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.cluster.TaskKey;
import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Appends a task's output to a table of the worker's table database (what its Flight service
 * serves). Rows collect in a staging table of their own; {@link #commit()} moves them into the
 * target in one transaction, so readers see all of this task's rows or none.
 */
final class TableSink implements Sink {
    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final String target;
    private final String staging;
    private boolean staged;
    private boolean committed;

    TableSink(DuckDbSession session, BufferAllocator allocator, String table, TaskKey task) {
        this.session = session;
        this.allocator = allocator;
        this.target = TableStore.quoted(table);
        // Short and unique per task and epoch, whatever the length of the pipeline's name.
        this.staging = TableStore.quoted("skein_staging_" + Integer.toHexString(task.pipeline().hashCode()) + "_"
                + task.epoch() + "_" + task.stage() + "_" + task.index());
    }

    @Override
    public void write(VectorSchemaRoot batch) throws Exception {
        session.register("skein_sink_batch", batch);
        session.execute(staged
                ? "INSERT INTO " + staging + " SELECT * FROM skein_sink_batch"
                : "CREATE OR REPLACE TABLE " + staging + " AS SELECT * FROM skein_sink_batch");
        staged = true;
    }

    @Override
    public void finish(Schema schema) throws Exception {
        if (!staged) {
            try (VectorSchemaRoot empty = VectorSchemaRoot.create(schema, allocator)) {
                write(empty);
            }
        }
    }

    @Override
    public void commit() throws Exception {
        session.execute("BEGIN TRANSACTION");
        try {
            session.execute("CREATE TABLE IF NOT EXISTS " + target + " AS SELECT * FROM " + staging + " LIMIT 0");
            session.execute("INSERT INTO " + target + " SELECT * FROM " + staging);
            session.execute("DROP TABLE " + staging);
            session.execute("COMMIT");
            committed = true;
        } catch (Exception e) {
            session.execute("ROLLBACK");
            throw e;
        }
    }

    @Override
    public void abort() {
        if (committed || !staged) {
            return;
        }
        try {
            session.execute("DROP TABLE IF EXISTS " + staging);
            staged = false;
        } catch (Exception e) {
            // A leftover staging table is harmless and replaced by the next run of the same task.
        }
    }

    @Override
    public void close() {
        abort();
        try {
            session.close();
        } catch (IOException e) {
            // The connection belongs to a finished task; nothing depends on closing it cleanly.
        }
    }
}
