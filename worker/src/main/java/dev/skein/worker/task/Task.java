package dev.skein.worker.task;

import dev.skein.cluster.ResultPreview;
import dev.skein.cluster.flight.CallStatuses;
import dev.skein.cluster.TaskState;
import dev.skein.spec.IngestSourceSpec;
import dev.skein.spec.JavaTransformSpec;
import dev.skein.spec.SqlTransformSpec;
import dev.skein.spec.StageMode;
import dev.skein.spec.TransformSpec;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.SourceSql;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.exchange.ChannelOpener;
import dev.skein.worker.exchange.EdgeCounters;
import dev.skein.worker.exchange.OutputRouter;
import dev.skein.worker.exchange.PartitionColumn;
import dev.skein.worker.exchange.TaskAddress;
import dev.skein.worker.exchange.TaskInbox;
import dev.skein.worker.stage.JavaStageTransform;
import dev.skein.worker.stage.PassThroughTransform;
import dev.skein.worker.stage.SqlStageTransform;
import dev.skein.worker.stage.StageFusion;
import dev.skein.worker.stage.StageOutput;
import dev.skein.worker.stage.StageTransform;
import dev.skein.worker.tap.TapHub;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task: reads its input (the source query, or batches from its inbox), runs its stage in its
 * own DuckDB connection or Java transform, and hands each output batch to its taps, its sinks and
 * its output edge. Runs on its own thread; owns a child allocator (which also holds what waits in
 * its inbox) that must be empty when it ends. Ingest handshakes live in {@link IngestGate}, sink
 * commits in {@link TaskSinks}, the edges in the {@code exchange} package.
 */
public final class Task implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Task.class);

    private final TaskWiring wiring;
    private final BufferAllocator workerAllocator;
    private final BufferAllocator allocator;
    private final DuckDbDatabase database;
    private final TableStore tables;
    private final ChannelOpener channels;
    private final TransformLoader transforms;
    private final TaskEvents events;
    private final Optional<TaskInbox> inbox;
    private final Optional<IngestGate> ingest;
    private final TaskCounters counters = new TaskCounters();
    private final EdgeCounters edgeCounters = new EdgeCounters();
    private final PreviewCapture preview = new PreviewCapture();
    private final TapHub taps;
    private final long startedAtMillis = System.currentTimeMillis();
    private volatile TaskSinks sinks;
    private volatile DuckDbSession session;
    private volatile PartialAggregation partial;
    private volatile FusedPreAggregation fusion;
    private volatile boolean cancelled;
    /** Set when the stage's timeout stopped the task: the failure it reports instead of CANCELLED. */
    private volatile SkeinException timedOut;
    private volatile TaskState state = TaskState.STARTING;
    private volatile Optional<ErrorCode> errorCode = Optional.empty();

    public Task(
            TaskWiring wiring,
            BufferAllocator workerAllocator,
            DuckDbDatabase database,
            TableStore tables,
            ChannelOpener channels,
            TransformLoader transforms,
            TaskEvents events) {
        this.wiring = wiring;
        this.workerAllocator = workerAllocator;
        this.allocator = workerAllocator.newChildAllocator("task-" + wiring.key(), 0, Long.MAX_VALUE);
        this.taps = new TapHub(workerAllocator);
        this.database = database;
        this.tables = tables;
        this.channels = channels;
        this.transforms = transforms;
        this.events = events;
        boolean isIngest = wiring.source().filter(source -> source instanceof IngestSourceSpec).isPresent();
        this.ingest = isIngest ? Optional.of(new IngestGate(wiring.key().pipeline())) : Optional.empty();
        if (isIngest) {
            // Writers are not planned senders: they feed the inbox as "sender 0" until told to finish.
            this.inbox = Optional.of(new TaskInbox(wiring.label(), Set.of(0), allocator, TaskInbox.DEFAULT_CAPACITY));
        } else if (wiring.source().isPresent()) {
            this.inbox = Optional.empty();
        } else {
            Set<Integer> senders = wiring.senders().stream()
                    .map(sender -> sender.key().index())
                    .collect(Collectors.toSet());
            this.inbox = Optional.of(new TaskInbox(wiring.label(), senders, allocator, TaskInbox.DEFAULT_CAPACITY));
        }
    }

    public TaskWiring wiring() {
        return wiring;
    }

    public TaskCounters counters() {
        return counters;
    }

    /** What the task's output edge carried, and how long sending took. */
    public EdgeCounters edgeCounters() {
        return edgeCounters;
    }

    /** Nanoseconds the task's DuckDB session spent in statements (0 before it opened). */
    public long duckDbNanos() {
        DuckDbSession current = session;
        return current == null ? 0 : current.statementNanos();
    }

    public TaskState state() {
        return state;
    }

    /** The failure's code once FAILED: whether a restart may cure it. */
    public Optional<ErrorCode> errorCode() {
        return errorCode;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** The inbox upstream tasks feed; empty for a source task that reads files or a query. */
    public Optional<TaskInbox> inbox() {
        return inbox;
    }

    /** Where taps on this task's output subscribe. */
    public TapHub taps() {
        return taps;
    }

    /** For an ingest source: the Arrow schema writers must send, once the task has worked it out. */
    public Schema awaitIngestSchema() throws InterruptedException {
        IngestGate gate = ingest.orElseThrow(() -> new SkeinException(ErrorCode.INVALID_ARGUMENT,
                wiring.label() + " of pipeline '" + wiring.key().pipeline() + "' is not an ingest source"));
        return gate.await();
    }

    /** For an ingest source: the input is complete; what was accepted flows on, then the task ends. */
    public void finishIngest() {
        if (ingest.isPresent()) {
            inbox.ifPresent(TaskInbox::finishAll);
        }
    }

    /** Stops the task at once, its running DuckDB query included; staged output is dropped. */
    public void cancel() {
        cancelled = true;
        inbox.ifPresent(TaskInbox::close);
        DuckDbSession current = session;
        if (current != null) {
            current.interrupt();
        }
        PartialAggregation aggregation = partial;
        if (aggregation != null) {
            aggregation.interrupt();
        }
        FusedPreAggregation fused = fusion;
        if (fused != null) {
            fused.interrupt();
        }
    }

    /**
     * Fails the task because it ran past its stage's {@code timeout:} (a user error, never
     * restarted): stops it as {@link #cancel} does, its DuckDB query included. Nothing happens
     * once the task has ended.
     */
    public void timeOut(String after) {
        if (state != TaskState.STARTING && state != TaskState.RUNNING) {
            return;
        }
        timedOut = new SkeinException(ErrorCode.STAGE_FAILED, "timed out after " + after
                + " (the stage's timeout); its query was interrupted");
        log.warn("{} of pipeline '{}' timed out after {}", wiring.label(), wiring.key().pipeline(), after);
        cancel();
    }

    /** The DuckDB statement the task runs now, if any, for health checks. */
    public Optional<DuckDbSession.RunningQuery> runningQuery() {
        DuckDbSession current = session;
        return current == null ? Optional.empty() : current.running();
    }

    @Override
    public void run() {
        Thread.currentThread().setName("task-" + wiring.key());
        counters.runningOnCurrentThread();
        setState(TaskState.RUNNING, Optional.empty());
        try (DuckDbSession session = openSession();
                OutputRouter router = wiring.output()
                        .map(edge -> new OutputRouter(edge, wiring.key().index(), channels, allocator, () -> cancelled,
                                edgeCounters))
                        .orElse(null);
                PartialAggregation aggregation = openPartialAggregation();
                FusedPreAggregation fused = openFusion()) {
            if (!wiring.sinks().isEmpty()) {
                sinks = TaskSinks.open(wiring, workerAllocator, database, tables);
            }
            Optional<PartitionColumn> partition = partitionComputedInQuery(aggregation);
            StageOutput emit = partition.isEmpty()
                    ? batch -> emit(batch, router, aggregation)
                    : batch -> emitPartitioned(batch, router);
            Schema output = PartitionColumn.visible(inbox.isEmpty()
                    ? runSource(session, emit, partition)
                    : runInbox(session, emit, partition, Optional.ofNullable(fused)));
            taps.end(output);
            if (router != null) {
                Schema sent = aggregation == null ? output : aggregation.finish(output, router::route);
                if (fused != null) {
                    fused.finish(sent, router::route);
                }
                router.complete(sent);
            }
            if (sinks != null) {
                sinks.finish(output);
            }
            setState(TaskState.FINISHED, Optional.empty());
        } catch (Throwable failure) {
            abortSinks();
            if (timedOut != null) {
                errorCode = Optional.of(timedOut.errorCode());
                setState(TaskState.FAILED, Optional.of(describe(timedOut)));
            } else if (cancelled) {
                setState(TaskState.CANCELLED, Optional.empty());
            } else {
                log.warn("{} of pipeline '{}' failed", wiring.label(), wiring.key().pipeline(), failure);
                errorCode = Optional.of(codeOf(failure));
                setState(TaskState.FAILED, Optional.of(describe(failure)));
            }
        } finally {
            counters.ended();
            ingest.ifPresent(IngestGate::close);
            taps.end(null);
            inbox.ifPresent(TaskInbox::close);
            closeAllocator();
        }
    }

    private DuckDbSession openSession() {
        DuckDbSession opened = database.openSession(allocator);
        session = opened;
        if (cancelled) {
            // cancel() ran before the session existed: no statement of it may start.
            opened.interrupt();
        }
        return opened;
    }

    /** The partial half of the next stage's split aggregation, if the plan split it; null otherwise. */
    private PartialAggregation openPartialAggregation() {
        if (wiring.preAggregate().isEmpty()) {
            return null;
        }
        PartialAggregation opened = new PartialAggregation(database.openSession(allocator), allocator,
                wiring.preAggregate().get(), wiring.batchRows(), wiring.label());
        partial = opened;
        if (cancelled) {
            opened.interrupt();
        }
        return opened;
    }

    /**
     * A per-batch SQL stage whose output the next stage pre-aggregates may fuse its query into a
     * second pre-aggregation ({@link FusedPreAggregation}); null for any other task. A last stage
     * (with sinks) never has a pre-aggregation.
     */
    private FusedPreAggregation openFusion() {
        if (wiring.preAggregate().isEmpty() || ingest.isPresent() || inbox.isEmpty()
                || !(wiring.transform().orElse(null) instanceof SqlTransformSpec sql)
                || sql.mode() != StageMode.PER_BATCH) {
            return null;
        }
        FusedPreAggregation opened = new FusedPreAggregation(database, allocator, sql.sql(),
                wiring.preAggregate().get(), wiring.batchRows(), wiring.label(), counters, taps, () -> cancelled);
        fusion = opened;
        if (cancelled) {
            opened.interrupt();
        }
        return opened;
    }

    /**
     * A SQL source or SQL stage whose output is a hash edge has DuckDB compute each row's partition
     * in its own query (never when the rows sent are a pre-aggregation's, nor for Java stages and
     * ingest sources, which hash in Java).
     */
    private Optional<PartitionColumn> partitionComputedInQuery(PartialAggregation aggregation) {
        boolean sqlSource = inbox.isEmpty();
        boolean sqlStage = ingest.isEmpty()
                && wiring.transform().filter(SqlTransformSpec.class::isInstance).isPresent();
        if (aggregation != null || !(sqlSource || sqlStage)) {
            return Optional.empty();
        }
        return PartitionColumn.forEdge(wiring.output());
    }

    private Schema runSource(DuckDbSession session, StageOutput emit, Optional<PartitionColumn> partition)
            throws Exception {
        String sql = SourceSql.of(wiring.source().orElseThrow());
        try {
            return session.query(partition.map(column -> column.wrap(sql)).orElse(sql), wiring.batchRows(),
                    emit::accept).schema();
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, session.explainFailure(sql, e.getMessage()), e);
        }
    }

    /**
     * Runs the stage's transform over the inbox until every sender finished. The transform is
     * closed before the task reports FINISHED: a Java transform that leaked Arrow memory fails a
     * task that otherwise succeeded.
     */
    private Schema runInbox(DuckDbSession session, StageOutput emit, Optional<PartitionColumn> partition,
            Optional<FusedPreAggregation> fused) throws Exception {
        try (StageTransform transform = openTransform(session, partition, fused)) {
            return transform.run(new InboxInput(inbox.orElseThrow(), counters), emit);
        }
    }

    private StageTransform openTransform(DuckDbSession session, Optional<PartitionColumn> partition,
            Optional<FusedPreAggregation> fused) throws Exception {
        if (ingest.isPresent()) {
            IngestSourceSpec spec = (IngestSourceSpec) wiring.source().orElseThrow();
            String columns = spec.columns().stream()
                    .map(IngestSourceSpec.ColumnSpec::nullSelectItem)
                    .collect(Collectors.joining(", "));
            Schema declared = session.query("SELECT " + columns + " LIMIT 0", 1, batch -> {}).schema();
            inbox.orElseThrow().declareSchema(declared);
            ingest.get().open(declared);
            return new PassThroughTransform();
        }
        TransformSpec spec = wiring.transform().orElseThrow();
        if (spec instanceof SqlTransformSpec sql) {
            return new SqlStageTransform(session, allocator, sql.sql(), sql.mode(), wiring.batchRows(), partition,
                    fused.map(StageFusion.class::cast));
        }
        if (spec instanceof JavaTransformSpec java) {
            return JavaStageTransform.open(java, transforms, wiring.stageTask(), allocator);
        }
        throw new IllegalStateException("no transform for " + spec);
    }

    /** A batch whose last column is its rows' partitions: everything but the router sees it without. */
    private void emitPartitioned(VectorSchemaRoot batch, OutputRouter router) throws Exception {
        IntVector partitions = PartitionColumn.of(batch).orElseThrow(() -> new IllegalStateException(
                wiring.label() + ": its query returned no partition column"));
        VectorSchemaRoot visible = PartitionColumn.visible(batch);
        observe(visible);
        router.route(visible, partitions);
    }

    private void emit(VectorSchemaRoot batch, OutputRouter router, PartialAggregation aggregation)
            throws Exception {
        observe(batch);
        if (aggregation != null) {
            aggregation.accept(batch);
        } else if (router != null) {
            router.route(batch);
        }
    }

    /** Counters, preview, taps and sinks: everything that sees the stage's own output. */
    private void observe(VectorSchemaRoot batch) throws Exception {
        checkCancelled();
        counters.countOut(batch);
        if (wiring.isLastStage()) {
            preview.capture(batch);
        }
        taps.publish(batch);
        if (sinks != null) {
            sinks.write(batch);
        }
    }

    private void checkCancelled() {
        if (cancelled) {
            throw new SkeinException(ErrorCode.CANCELLED, wiring.label() + " was cancelled");
        }
    }

    /** Moves staged sink output into place; called once the whole pipeline finished. */
    public void commit() {
        try {
            if (sinks != null) {
                sinks.commit();
            }
            setState(TaskState.COMMITTED, Optional.empty());
        } catch (Exception e) {
            // What this task did of its commit is undone; the other tasks' commits are undone
            // when the pipeline fails.
            abortSinks();
            errorCode = Optional.of(codeOf(e));
            setState(TaskState.FAILED, Optional.of(wiring.label() + " could not commit its output: " + e.getMessage()));
        }
    }

    /**
     * Drops staged output, undoes this task's commit if it made one, and frees the sinks (the
     * pipeline failed or was cancelled after this task finished or committed).
     */
    public void abort() {
        abortSinks();
        if (state == TaskState.FINISHED) {
            setState(TaskState.CANCELLED, Optional.empty());
        }
    }

    /** The pipeline succeeded: the sinks drop what their commit kept to undo it. */
    public void release() {
        if (sinks != null) {
            sinks.release();
        }
    }

    private void abortSinks() {
        if (sinks != null) {
            sinks.abort();
        }
    }

    private synchronized void setState(TaskState newState, Optional<String> error) {
        state = newState;
        Optional<ResultPreview> result = (newState == TaskState.FINISHED || newState == TaskState.COMMITTED)
                        && wiring.isLastStage()
                ? Optional.of(preview.preview())
                : Optional.empty();
        events.stateChanged(this, newState, error, result);
    }

    private String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return wiring.label() + " failed: " + message.strip();
    }

    private static ErrorCode codeOf(Throwable failure) {
        if (failure instanceof SkeinException skein) {
            return skein.errorCode();
        }
        if (failure instanceof FlightRuntimeException flight) {
            return CallStatuses.fromFlight(flight, "").errorCode();
        }
        // An I/O error (a full disk, a lost mount) is the infrastructure's; anything else is a bug.
        return failure instanceof IOException ? ErrorCode.EXTERNAL : ErrorCode.INTERNAL;
    }

    private void closeAllocator() {
        long leaked = allocator.getAllocatedMemory();
        try {
            AutoCloseables.close(allocator);
        } catch (Exception e) {
            log.error("{} of pipeline '{}' leaked {} bytes of Arrow memory", wiring.label(), wiring.key().pipeline(),
                    leaked, e);
        }
    }
}
