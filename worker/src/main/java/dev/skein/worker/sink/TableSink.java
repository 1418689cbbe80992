package dev.skein.worker.sink;

import dev.skein.cluster.TaskKey;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import java.io.IOException;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Appends a task's output to a table of the worker's table database (what its Flight service
 * serves). Rows collect in a staging table of their own ({@value #STAGING_PREFIX}...); {@link
 * #commit()} moves them into the target in one transaction, so readers see all of this task's rows
 * or none.
 *
 * <p>A stage of parallelism &gt; 1 commits all or nothing across its tasks: the commit's
 * transaction also keeps the table as it was before the run's first commit on this worker (see
 * {@link TableUndo}), so that {@link #abort()} after the commit can put it back, row for row, when
 * another task of the stage could not commit or the pipeline failed meanwhile; {@link #release()}
 * drops the copy once the pipeline succeeded. The cost is a copy of the previous table per worker
 * and run, made inside the commit, held until the pipeline ends. Undoing restores the table as a
 * whole, so rows that another writer (a DoPut, another pipeline) appended between this commit and
 * the pipeline's end are undone too. With parallelism 1 the commit is the task's and the
 * pipeline's at once: no copy is made, and a commit is never undone.
 */
final class TableSink implements Sink {
    static final String STAGING_PREFIX = "skein_staging_";

    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final String target;
    private final String staging;
    private final Optional<TableUndo> undo;
    private boolean staged;
    private boolean committed;

    TableSink(DuckDbSession session, BufferAllocator allocator, String table, TaskKey task, int parallelism) {
        this.session = session;
        this.allocator = allocator;
        this.target = TableStore.quoted(table);
        // Short and unique per task and epoch, whatever the length of the pipeline's name.
        this.staging = TableStore.quoted(STAGING_PREFIX + Integer.toHexString(task.pipeline().hashCode()) + "_"
                + task.epoch() + "_" + task.stage() + "_" + task.index());
        this.undo = parallelism > 1 ? Optional.of(new TableUndo(table, task.epoch())) : Optional.empty();
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
            if (undo.isPresent()) {
                undo.get().keep(session);
            }
            session.execute("CREATE TABLE IF NOT EXISTS " + target + " AS SELECT * FROM " + staging + " LIMIT 0");
            session.execute("INSERT INTO " + target + " SELECT * FROM " + staging);
            session.execute("DROP TABLE " + staging);
            session.execute("COMMIT");
            committed = true;
            staged = false;
        } catch (Exception e) {
            session.execute("ROLLBACK");
            throw e;
        }
    }

    /** The pipeline succeeded: drops the copy kept to undo the commit. */
    @Override
    public void release() {
        if (!committed || undo.isEmpty()) {
            return;
        }
        try {
            undo.get().drop(session);
        } catch (Exception e) {
            // A leftover copy holds no visible rows; a restarted worker drops it (TableLeftovers).
        }
    }

    /**
     * Drops the staged rows; after a commit of a stage of parallelism &gt; 1, puts the table back
     * as it was before the run's commits on this worker. Idempotent; never throws.
     */
    @Override
    public void abort() {
        try {
            if (committed) {
                if (undo.isPresent()) {
                    undo.get().restore(session);
                }
                committed = false;
            }
            dropStaged();
        } catch (Exception e) {
            // Best effort: the copy stays, and a restarted worker settles it (TableLeftovers).
        }
    }

    private void dropStaged() {
        if (!staged) {
            return;
        }
        try {
            session.execute("DROP TABLE IF EXISTS " + staging);
            staged = false;
        } catch (Exception e) {
            // A leftover staging table is harmless; a restarted worker drops it (TableLeftovers).
        }
    }

    @Override
    public void close() {
        if (!committed) {
            dropStaged();
        }
        try {
            session.close();
        } catch (IOException e) {
            // The connection belongs to a finished task; nothing depends on closing it cleanly.
        }
    }
}
