package dev.skein.worker.stage;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.StageMode;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbSession;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A SQL stage in DuckDB. Per batch: each incoming batch is the relation {@code input} for one run
 * of the query. Final: batches collect in the temporary table {@code input} and the query runs once
 * at end of input. Used by one task thread.
 */
public final class SqlStageTransform implements StageTransform {
    private static final String BATCH_RELATION = "skein_batch";

    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final String sql;
    private final StageMode mode;
    private final int batchRows;
    private Schema outputSchema;
    private boolean accumulating;

    public SqlStageTransform(
            DuckDbSession session, BufferAllocator allocator, String sql, StageMode mode, int batchRows) {
        this.session = requireNonNull(session, "session is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.mode = requireNonNull(mode, "mode is null");
        this.batchRows = batchRows;
    }

    /** Takes one input batch (still owned by the caller); per batch, emits its result to {@code out}. */
    @Override
    public void accept(VectorSchemaRoot batch, StageOutput out) throws Exception {
        if (mode == StageMode.PER_BATCH) {
            session.register("input", batch);
            try {
                outputSchema = session.query(sql, batchRows, out::accept).schema();
            } catch (SkeinException e) {
                throw e;
            } catch (Exception e) {
                session.register("input", batch);
                throw new SkeinException(ErrorCode.STAGE_FAILED, session.explainFailure(sql, e.getMessage()), e);
            }
        } else {
            session.register(BATCH_RELATION, batch);
            session.execute(accumulating
                    ? "INSERT INTO input SELECT * FROM " + BATCH_RELATION
                    : "CREATE TEMP TABLE input AS SELECT * FROM " + BATCH_RELATION);
            accumulating = true;
        }
    }

    /**
     * End of input: a final stage runs its query now. Returns the output schema, computed over an
     * empty input if no batch ever arrived.
     *
     * @param inputSchema the input's schema, needed only if no batch arrived
     */
    @Override
    public Schema finish(Schema inputSchema, StageOutput out) throws Exception {
        if (mode == StageMode.PER_BATCH) {
            if (outputSchema == null) {
                try (VectorSchemaRoot empty = VectorSchemaRoot.create(required(inputSchema), allocator)) {
                    session.register("input", empty);
                    outputSchema = session.query(sql, batchRows, out::accept).schema();
                }
            }
            return outputSchema;
        }
        if (!accumulating) {
            try (VectorSchemaRoot empty = VectorSchemaRoot.create(required(inputSchema), allocator)) {
                accept(empty, out);
            }
        }
        Schema schema;
        try {
            schema = session.query(sql, batchRows, out::accept).schema();
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, session.explainFailure(sql, e.getMessage()), e);
        }
        session.execute("DROP TABLE input");
        accumulating = false;
        return schema;
    }

    /** Nothing to free: the session belongs to the task, and a final stage's table to the session. */
    @Override
    public void close() {}

    private static Schema required(Schema inputSchema) {
        if (inputSchema == null) {
            throw new SkeinException(ErrorCode.INTERNAL, "no input schema: no upstream stream ever started");
        }
        return inputSchema;
    }
}
