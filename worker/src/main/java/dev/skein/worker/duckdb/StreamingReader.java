package dev.skein.worker.duckdb;

import java.io.IOException;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} that pulls batches from a source as DuckDB asks for them, so one query
 * reads a whole input stream. DuckDB may call it from its own threads, one call at a time. A
 * failure of the source (an upstream that broke, a cancelled task) reaches DuckDB only as a
 * generic stream error, so it is kept here for the caller to report as itself.
 */
public final class StreamingReader extends ArrowReader {
    /** Where the batches come from. */
    @FunctionalInterface
    public interface Source {
        /** The next batch, owned by the caller, or empty at end of input. */
        Optional<VectorSchemaRoot> next() throws Exception;
    }

    private final Schema schema;
    private final Source source;
    private volatile Exception failure;

    StreamingReader(BufferAllocator allocator, Schema schema, Source source) {
        super(allocator);
        this.schema = schema;
        this.source = source;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        Optional<VectorSchemaRoot> next;
        try {
            next = source.next();
        } catch (Exception e) {
            failure = e;
            throw new IOException(e.getMessage(), e);
        }
        if (next.isEmpty()) {
            return false;
        }
        prepareLoadNextBatch();
        try (VectorSchemaRoot batch = next.get();
                ArrowRecordBatch recordBatch = new VectorUnloader(batch).getRecordBatch()) {
            new VectorLoader(getVectorSchemaRoot()).load(recordBatch);
        }
        return true;
    }

    /** Why the source stopped, if it failed. */
    Optional<Exception> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
        return schema;
    }
}
