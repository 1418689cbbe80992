package dev.skein.cluster.flight.sql;

import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Sends a query's result to a Flight client, each batch once gRPC says the client is ready (a slow
 * reader slows the query and never fills this JVM); a client that cancels stops the query.
 */
public final class ResultStreaming {
    private static final int BATCH_ROWS = 65_536;

    /** A query that runs once per call of {@link #query}, streaming its batches. */
    public interface BatchQuery {
        /** The schema of its result, also when it has no rows. */
        Schema resultSchema();

        /** Runs it, handing over batches of at most {@code batchRows} rows until {@code consumer} says stop. */
        void query(int batchRows, BufferAllocator allocator, BatchConsumer consumer) throws Exception;

        /** Stops a running execution, if any; any thread. */
        boolean interrupt();
    }

    /** Receives a query's batches; the batch is valid only during the call. */
    @FunctionalInterface
    public interface BatchConsumer {
        /** @return false to stop reading (the client went away) */
        boolean accept(VectorSchemaRoot batch) throws Exception;
    }

    private ResultStreaming() {}

    /** Runs {@code query} and streams its batches; completes the call, or throws for the caller to fail it. */
    public static void send(BatchQuery query, BufferAllocator allocator, ServerStreamListener listener)
            throws Exception {
        Object ready = new Object();
        listener.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        listener.setOnCancelHandler(query::interrupt);
        VectorSchemaRoot[] out = new VectorSchemaRoot[1];
        try {
            query.query(BATCH_ROWS, allocator, batch -> {
                if (out[0] == null) {
                    out[0] = VectorSchemaRoot.create(batch.getSchema(), allocator);
                    listener.start(out[0]);
                }
                synchronized (ready) {
                    // The timeout only re-checks isCancelled: gRPC calls the ready handler, not a cancelled call.
                    while (!listener.isReady() && !listener.isCancelled()) {
                        ready.wait(1_000);
                    }
                }
                if (listener.isCancelled()) {
                    return false;
                }
                try (ArrowRecordBatch records = new VectorUnloader(batch).getRecordBatch()) {
                    new VectorLoader(out[0]).load(records);
                }
                listener.putNext();
                return true;
            });
            if (out[0] == null) {
                out[0] = VectorSchemaRoot.create(query.resultSchema(), allocator);
                listener.start(out[0]);
            }
            listener.completed();
        } finally {
            if (out[0] != null) {
                out[0].close();
            }
        }
    }
}
