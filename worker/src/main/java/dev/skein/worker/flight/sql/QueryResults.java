package dev.skein.worker.flight.sql;

import dev.skein.worker.duckdb.PreparedSql;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Sends a query's result to a Flight client, each batch once gRPC says the client is ready (a slow
 * reader slows DuckDB and never fills this JVM); a client that cancels stops the query.
 */
final class QueryResults {
    private static final int BATCH_ROWS = 65_536;

    private QueryResults() {}

    /** Runs {@code sql} with its bound parameters and streams its batches; the caller completes or fails the call. */
    static void send(PreparedSql sql, BufferAllocator allocator, ServerStreamListener listener) throws Exception {
        Object ready = new Object();
        listener.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        listener.setOnCancelHandler(sql::interrupt);
        VectorSchemaRoot[] out = new VectorSchemaRoot[1];
        try {
            sql.query(BATCH_ROWS, allocator, batch -> {
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
                out[0] = VectorSchemaRoot.create(sql.resultSchema(), allocator);
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
