package dev.skein.worker.task;

import dev.skein.cluster.ResultPreview;
import dev.skein.cluster.TaskState;
import dev.skein.spec.IngestSourceSpec;
import dev.skein.spec.JavaTransformSpec;
import dev.skein.spec.SqlTransformSpec;
import dev.skein.spec.TransformSpec;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.duckdb.DuckDbSqlTransform;
import dev.skein.worker.duckdb.SourceSql;
import dev.skein.worker.flight.FlightClientPool;
import dev.skein.worker.plugin.JavaBatchTransform;
import dev.skein.worker.sink.Sink;
import dev.skein.worker.sink.Sinks;
import dev.skein.worker.tap.TapHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task: reads its input (the source query, or batches from upstream tasks through its inbox),
 * runs its stage in its own DuckDB connection, and writes each output batch downstream, to its
 * sinks and (last stage) to the result preview. Runs on its own thread; owns a child allocator
 * that must be empty when it ends.
 */
public final class Task implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Task.class);

    private final TaskWiring wiring;
    private final BufferAllocator allocator;
    private final DuckDbDatabase database;
    private final FlightClientPool clients;
    private final TransformLoader transforms;
    private final TaskEvents events;
    private final Optional<TaskInbox> inbox;
    private final TaskCounters counters = new TaskCounters();
    private final PreviewCapture preview = new PreviewCapture();
    private final TapHub taps;
    private final List<Sink> sinks = new ArrayList<>();
    private final long startedAtMillis = System.currentTimeMillis();
    private volatile boolean cancelled;
    private volatile TaskState state = TaskState.STARTING;
    private final TableStore tables;
    private final boolean ingest;
    private final CountDownLatch ingestReady = new CountDownLatch(1);
    private volatile Schema ingestSchema;

    public Task(
            TaskWiring wiring,
            BufferAllocator workerAllocator,
            DuckDbDatabase database,
            FlightClientPool clients,
            TransformLoader transforms,
            TableStore tables,
            TaskEvents events) {
        this.tables = tables;
        this.wiring = wiring;
        this.allocator = workerAllocator.newChildAllocator("task-" + wiring.key(), 0, Long.MAX_VALUE);
        this.taps = new TapHub(workerAllocator);
        this.database = database;
        this.clients = clients;
        this.transforms = transforms;
        this.events = events;
        this.ingest = wiring.source().filter(source -> source instanceof IngestSourceSpec).isPresent();
        this.inbox = ingest
                ? Optional.of(new TaskInbox(1))
                : wiring.source().isPresent() ? Optional.empty() : Optional.of(new TaskInbox(wiring.upstreams()));
    }

    public TaskWiring wiring() {
        return wiring;
    }

    public TaskCounters counters() {
        return counters;
    }

    public TaskState state() {
        return state;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** The inbox upstream streams feed; empty for the source task. */
    public Optional<TaskInbox> inbox() {
        return inbox;
    }

    /** Where taps on this task's output subscribe. */
    public TapHub taps() {
        return taps;
    }

    /** For an ingest source: the Arrow schema writers must send, once the task has worked it out. */
    public Schema awaitIngestSchema() throws InterruptedException {
        if (!ingest) {
            throw new SkeinException(ErrorCode.INVALID_SPEC, wiring.label() + " of pipeline '"
                    + wiring.key().pipeline() + "' is not an ingest source");
        }
        if (!ingestReady.await(30, TimeUnit.SECONDS) || ingestSchema == null) {
            throw new SkeinException(ErrorCode.NOT_FOUND, "the ingest source of '" + wiring.key().pipeline()
                    + "' is not accepting data");
        }
        return ingestSchema;
    }

    /** For an ingest source: the input is complete; what was accepted flows on, then the task ends. */
    public void finishIngest() {
        if (ingest) {
            inbox.ifPresent(TaskInbox::finishAll);
        }
    }

    /** Stops the task soon; staged output is dropped. */
    public void cancel() {
        cancelled = true;
        inbox.ifPresent(TaskInbox::close);
    }

    @Override
    public void run() {
        Thread.currentThread().setName("task-" + wiring.key());
        counters.runningOnCurrentThread();
        setState(TaskState.RUNNING, Optional.empty());
        try (DuckDbSession session = database.openSession(allocator);
                DownstreamRouter router = new DownstreamRouter(
                        wiring.downstream(), wiring.downstreamPartitionBy(), wiring.key().index(), clients, allocator,
                        () -> cancelled)) {
            for (var sinkSpec : wiring.sinks()) {
                sinks.add(Sinks.forSpec(sinkSpec, database, tables, allocator, wiring.key(), wiring.parallelism()));
            }
            DuckDbSession.BatchConsumer emit = batch -> emit(batch, router);
            Schema output = wiring.source().isPresent() ? runSource(session, emit) : runStage(session, emit);
            taps.end(output);
            router.complete(output);
            for (Sink sink : sinks) {
                sink.finish(output);
            }
            setState(TaskState.FINISHED, Optional.empty());
        } catch (Throwable failure) {
            abortSinks();
            if (cancelled) {
                setState(TaskState.CANCELLED, Optional.empty());
            } else {
                log.warn("{} of pipeline '{}' failed", wiring.label(), wiring.key().pipeline(), failure);
                setState(TaskState.FAILED, Optional.of(describe(failure)));
            }
        } finally {
            ingestReady.countDown();
            taps.end(null);
            inbox.ifPresent(TaskInbox::close);
            closeAllocator();
        }
    }

    private Schema runSource(DuckDbSession session, DuckDbSession.BatchConsumer emit) throws Exception {
        if (ingest) {
            return runIngest(session, emit);
        }
        String sql = SourceSql.of(wiring.source().get());
        try {
            return session.query(sql, wiring.batchRows(), emit).schema();
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, session.explainFailure(sql, e.getMessage()), e);
        }
    }

    /** An ingest source passes on what writers DoPut into its inbox until told to finish. */
    private Schema runIngest(DuckDbSession session, DuckDbSession.BatchConsumer emit) throws Exception {
        IngestSourceSpec spec = (IngestSourceSpec) wiring.source().orElseThrow();
        String columns = spec.columns().stream()
                .map(IngestSourceSpec.ColumnSpec::nullSelectItem)
                .collect(Collectors.joining(", "));
        ingestSchema = session.query("SELECT " + columns + " LIMIT 0", 1, batch -> {}).schema();
        ingestReady.countDown();
        TaskInbox input = inbox.orElseThrow();
        while (true) {
            Optional<VectorSchemaRoot> next = input.take();
            if (next.isEmpty()) {
                return ingestSchema;
            }
            try (VectorSchemaRoot batch = next.get()) {
                counters.countIn(batch);
                emit.accept(batch);
            }
        }
    }

    /**
     * Runs the stage's transform over the inbox. The transform is closed before the task reports
     * FINISHED: a Java transform that leaked Arrow memory fails a task that otherwise succeeded
     * (and is only logged, behind the first failure, when the task failed anyway).
     */
    private Schema runStage(DuckDbSession session, DuckDbSession.BatchConsumer emit) throws Exception {
        TaskInbox input = inbox.orElseThrow();
        try (StageTransform transform = openTransform(session)) {
            while (true) {
                Optional<VectorSchemaRoot> next = input.take();
                if (next.isEmpty()) {
                    break;
                }
                try (VectorSchemaRoot batch = next.get()) {
                    counters.countIn(batch);
                    transform.accept(batch, emit);
                }
                if (cancelled) {
                    throw new SkeinException(ErrorCode.CANCELLED, "cancelled");
                }
            }
            return transform.finish(input.schema().orElse(null), emit);
        }
    }

    private StageTransform openTransform(DuckDbSession session) {
        TransformSpec spec = wiring.transform().orElseThrow();
        if (spec instanceof SqlTransformSpec sql) {
            return new DuckDbSqlTransform(session, allocator, sql.sql(), sql.mode(), wiring.batchRows());
        }
        if (spec instanceof JavaTransformSpec java) {
            return JavaBatchTransform.open(java, transforms, wiring, allocator);
        }
        throw new IllegalStateException("no transform for " + spec);
    }

    private void emit(VectorSchemaRoot batch, DownstreamRouter router) throws Exception {
        if (cancelled) {
            throw new SkeinException(ErrorCode.CANCELLED, "cancelled");
        }
        counters.countOut(batch);
        if (wiring.isLastStage()) {
            preview.capture(batch);
        }
        taps.publish(batch);
        for (Sink sink : sinks) {
            sink.write(batch);
        }
        router.route(batch);
    }

    /** Moves staged sink output into place; called once the whole pipeline finished. */
    public void commit() {
        try {
            for (Sink sink : sinks) {
                sink.commit();
            }
            setState(TaskState.COMMITTED, Optional.empty());
        } catch (Exception e) {
            setState(TaskState.FAILED, Optional.of(wiring.label() + " could not commit its output: " + e.getMessage()));
        } finally {
            closeSinks();
        }
    }

    /** Drops staged output and frees the sinks (pipeline failed or cancelled after this task finished). */
    public void abort() {
        abortSinks();
        if (state == TaskState.FINISHED) {
            setState(TaskState.CANCELLED, Optional.empty());
        }
    }

    private void abortSinks() {
        sinks.forEach(Sink::abort);
        closeSinks();
    }

    private void closeSinks() {
        sinks.forEach(Sink::close);
        sinks.clear();
    }

    private synchronized void setState(TaskState newState, Optional<String> error) {
        state = newState;
        Optional<ResultPreview> result = (newState == TaskState.FINISHED || newState == TaskState.COMMITTED) && wiring.isLastStage()
                ? Optional.of(preview.preview())
                : Optional.empty();
        events.stateChanged(this, newState, error, result);
    }

    private String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return wiring.label() + " failed: " + message.strip();
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
