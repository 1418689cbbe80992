package dev.skein.worker.task;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.stage.StageFusion;
import dev.skein.worker.tap.TapHub;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SQL stage fused with the partial half of the next stage's aggregation: when the stage emits
 * exactly one row per input row, its input batches go straight to a second {@link
 * PartialAggregation} whose statement runs the stage's query inside its own ({@code WITH input AS
 * (<stage>) SELECT * FROM (<partial>)}), so the stage's rows are never exported from DuckDB, copied
 * and imported again. Ready only while no tap is open on the stage: a tapped query runs as the
 * stage's own and its output goes to the unfused aggregation, as without fusion. The two
 * aggregations' partial rows are combined by the final stage like any two tasks' partial rows, so
 * the result is the same however the batches were split between them. Fused only when DuckDB
 * gives both statements the same result columns ({@link #ready}).
 *
 * <p>The stage's counters still count its rows (one per input row) and batches; its bytes out are
 * estimated at the width of the rows the stage made itself. Used by the task thread; {@link
 * #interrupt} from any thread.
 */
final class FusedPreAggregation implements StageFusion, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FusedPreAggregation.class);

    private final DuckDbDatabase database;
    private final BufferAllocator allocator;
    private final String sql;
    private final int batchRows;
    private final String label;
    private final TaskCounters counters;
    private final TapHub taps;
    private final BooleanSupplier cancelled;
    private final String partialSql;
    private Boolean compatible;
    private volatile PartialAggregation aggregation;
    private volatile boolean interrupted;

    /**
     * @param stageSql the stage's query over {@code input}
     * @param partialSql the partial aggregation over the stage's output as {@code input}
     */
    FusedPreAggregation(
            DuckDbDatabase database,
            BufferAllocator allocator,
            String stageSql,
            String partialSql,
            int batchRows,
            String label,
            TaskCounters counters,
            TapHub taps,
            BooleanSupplier cancelled) {
        this.database = requireNonNull(database, "database is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.sql = fusedSql(stageSql, partialSql);
        this.partialSql = partialSql;
        this.batchRows = batchRows;
        this.label = requireNonNull(label, "label is null");
        this.counters = requireNonNull(counters, "counters is null");
        this.taps = requireNonNull(taps, "taps is null");
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
    }

    /** The partial aggregation over the stage's query, as one statement over the stage's input. */
    static String fusedSql(String stageSql, String partialSql) {
        // A CTE named input reads the relation input from outside it, as in PostgreSQL.
        return "WITH input AS (\n" + requireNonNull(stageSql, "stageSql is null") + "\n)\nSELECT * FROM (\n"
                + requireNonNull(partialSql, "partialSql is null") + "\n) AS skein_fused";
    }

    @Override
    public boolean ready(Schema input, Schema output) {
        if (taps.isTapped()) {
            return false;
        }
        if (compatible == null) {
            compatible = sameRows(input, output);
        }
        return compatible;
    }

    /**
     * Whether the fused statement gives the partial rows the unfused one gives, column for column
     * and type for type, asked of DuckDB over empty inputs. Not always so: a type that Arrow carries
     * as another (HUGEINT as DECIMAL(38,0), say) aggregates differently once it went through Arrow.
     */
    private boolean sameRows(Schema input, Schema output) {
        try (DuckDbSession probe = database.openSession(allocator);
                VectorSchemaRoot noInput = VectorSchemaRoot.create(input, allocator);
                VectorSchemaRoot noOutput = VectorSchemaRoot.create(output, allocator)) {
            probe.register("input", noOutput);
            Schema unfused = probe.query(partialSql, batchRows, batch -> {}).schema();
            probe.register("input", noInput);
            Schema fused = probe.query(sql, batchRows, batch -> {}).schema();
            if (!fused.equals(unfused)) {
                log.info("{} runs unfused: its pre-aggregation gives {} unfused and {} fused", label, unfused, fused);
            }
            return fused.equals(unfused);
        } catch (Exception e) {
            log.info("{} runs unfused: the fused pre-aggregation does not bind: {}", label, e.getMessage());
            return false;
        }
    }

    @Override
    public void take(List<VectorSchemaRoot> batches) throws Exception {
        try {
            if (cancelled.getAsBoolean()) {
                throw new SkeinException(ErrorCode.CANCELLED, label + " was cancelled");
            }
            long rows = 0;
            for (VectorSchemaRoot batch : batches) {
                rows += batch.getRowCount();
            }
            counters.countOutFused(rows, batches.size());
            PartialAggregation target = open();
            for (int i = 0; i < batches.size(); i++) {
                VectorSchemaRoot batch = batches.get(i);
                batches.set(i, null);
                target.acceptOwned(batch);
            }
        } finally {
            AutoCloseables.close(batches);
        }
    }

    private PartialAggregation open() {
        if (aggregation == null) {
            aggregation = new PartialAggregation(database.openSession(allocator), allocator, sql, batchRows,
                    label + " (fused with its query)");
            if (interrupted) {
                aggregation.interrupt();
            }
        }
        return aggregation;
    }

    /**
     * End of the stage's input: emits the partial rows of what was handed over, if anything was.
     *
     * @param expected the unfused aggregation's partial schema, which these rows must match
     */
    void finish(Schema expected, DuckDbSession.BatchConsumer out)
            throws Exception {
        PartialAggregation target = aggregation;
        if (target == null) {
            return;
        }
        target.finish(expected, batch -> {
            if (!batch.getSchema().equals(expected)) {
                throw new SkeinException(ErrorCode.INTERNAL, label + ": the fused pre-aggregation gave "
                        + batch.getSchema() + ", not " + expected);
            }
            out.accept(batch);
        });
    }

    /** Stops the fused aggregation at once (the task was cancelled). Any thread. */
    void interrupt() {
        interrupted = true;
        PartialAggregation target = aggregation;
        if (target != null) {
            target.interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        PartialAggregation target = aggregation;
        if (target != null) {
            target.close();
        }
    }
}
