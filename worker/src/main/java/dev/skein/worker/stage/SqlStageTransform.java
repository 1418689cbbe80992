package dev.skein.worker.stage;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.StageMode;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.QueryShape;
import dev.skein.worker.exchange.Batches;
import dev.skein.worker.exchange.PartitionColumn;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A SQL stage in DuckDB.
 *
 * <p>Per batch: each incoming batch is the relation {@code input} for one run of the query. When
 * DuckDB's plan shows the query treats each row on its own (projections and filters only, see
 * {@link DuckDbSession#isRowByRow}), one query runs over every batch already waiting, up to {@link
 * #MAX_BATCHES_PER_QUERY}: under load one query covers many batches and pays DuckDB's fixed cost
 * per query once, while a lone batch still goes out at once (nothing waits for more). The rows are
 * the same, in the same order, as one query per batch. Any other query (aggregates, windows, ORDER
 * BY, LIMIT, DISTINCT, joins) keeps one query per batch.
 *
 * <p>Fused: a query that emits exactly one row per input row (projections only) may hand its
 * waiting batches to a {@link StageFusion} instead of running (the next stage's pre-aggregation
 * then runs this query inside its own), whenever the fusion is ready. The first batches always run
 * here, so the stage's output schema and row width are known.
 *
 * <p>Final: the whole input streams into the temporary table {@code input} in one statement, and
 * the query runs once at end of input.
 *
 * <p>Either way, when the task's output is a hash edge the query also computes each row's
 * partition ({@link PartitionColumn}); DuckDB's errors are explained against the query as written.
 * Used by one task thread.
 */
public final class SqlStageTransform implements StageTransform {
    private static final String BATCH_RELATION = "skein_batch";

    /** Past ~10 batches per query DuckDB's fixed cost no longer shows (PLATFORM.md). */
    static final int MAX_BATCHES_PER_QUERY = 16;

    /**
     * A query also stops taking batches at this many bytes (it may pass it by one batch): the
     * batches it holds come on top of a full inbox, so wide rows must not multiply the task's
     * memory by 16. W1's 2 MB batches still go 16 to a query.
     */
    static final long MAX_BYTES_PER_QUERY = 32L << 20;

    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final String sql;
    private final String runSql;
    private final StageMode mode;
    private final int batchRows;
    private Schema outputSchema;
    private final Optional<StageFusion> fusion;
    private boolean accumulating;
    private QueryShape shape;

    /**
     * @param partition set when the task's output is a hash edge: the query also computes each
     *     row's partition, as its last column
     * @param fusion where a per-batch query of one row per row may hand its input instead
     */
    public SqlStageTransform(
            DuckDbSession session,
            BufferAllocator allocator,
            String sql,
            StageMode mode,
            int batchRows,
            Optional<PartitionColumn> partition,
            Optional<StageFusion> fusion) {
        if (fusion.isPresent() && (partition.isPresent() || mode != StageMode.PER_BATCH)) {
            throw new IllegalArgumentException("only a per-batch stage without a partition column fuses");
        }
        this.fusion = requireNonNull(fusion, "fusion is null");
        this.session = requireNonNull(session, "session is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.runSql = partition.map(column -> column.wrap(sql)).orElse(sql);
        this.mode = requireNonNull(mode, "mode is null");
        this.batchRows = batchRows;
    }

    @Override
    public Schema run(BatchInput input, StageOutput out) throws Exception {
        if (mode == StageMode.FINAL) {
            session.streamIntoTable("input", input.awaitSchema(), input::take);
            accumulating = true;
            return finish(input.schemaOrNull(), out);
        }
        List<VectorSchemaRoot> batches = new ArrayList<>();
        try {
            while (true) {
                Optional<VectorSchemaRoot> first = input.take();
                if (first.isEmpty()) {
                    return finish(input.schemaOrNull(), out);
                }
                batches.add(first.get());
                if (shape(first.get()).isRowByRow()) {
                    long bytes = Batches.bytes(first.get());
                    Optional<VectorSchemaRoot> more;
                    while (batches.size() < MAX_BATCHES_PER_QUERY && bytes < MAX_BYTES_PER_QUERY
                            && (more = input.poll()).isPresent()) {
                        batches.add(more.get());
                        bytes += Batches.bytes(more.get());
                    }
                }
                if (fusesNow(first.get().getSchema())) {
                    List<VectorSchemaRoot> handed = new ArrayList<>(batches);
                    batches.clear();
                    fusion.get().take(handed);
                    continue;
                }
                queryOver(batches, out);
                AutoCloseables.close(batches);
                batches.clear();
            }
        } finally {
            AutoCloseables.close(batches);
        }
    }

    /** Decided once, on the first batch, from DuckDB's plan for this input. */
    private QueryShape shape(VectorSchemaRoot sample) {
        if (shape == null) {
            try {
                shape = session.shape(sql, sample);
            } catch (SQLException e) {
                // The query itself fails too, and reports DuckDB's message from there.
                shape = QueryShape.OTHER;
            }
        }
        return shape;
    }

    /** Whether the waiting batches go to the fusion: never before this stage's first own query ran. */
    private boolean fusesNow(Schema inputSchema) {
        return fusion.isPresent() && shape == QueryShape.ONE_ROW_PER_ROW && outputSchema != null
                && fusion.get().ready(inputSchema, outputSchema);
    }

    /** One run of a per-batch query over {@code batches} (still owned by the caller) as {@code input}. */
    private void queryOver(List<VectorSchemaRoot> batches, StageOutput out) throws Exception {
        Schema schema = batches.get(0).getSchema();
        session.registerAll("input", schema, batches);
        try {
            outputSchema = session.query(runSql, batchRows, out::accept).schema();
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            session.registerAll("input", schema, batches);
            throw new SkeinException(ErrorCode.STAGE_FAILED, session.explainFailure(sql, e.getMessage()), e);
        }
    }

    /** Takes one input batch (still owned by the caller); per batch, emits its result to {@code out}. */
    @Override
    public void accept(VectorSchemaRoot batch, StageOutput out) throws Exception {
        if (mode == StageMode.PER_BATCH) {
            queryOver(List.of(batch), out);
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
                    outputSchema = session.query(runSql, batchRows, out::accept).schema();
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
            schema = session.query(runSql, batchRows, out::accept).schema();
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
