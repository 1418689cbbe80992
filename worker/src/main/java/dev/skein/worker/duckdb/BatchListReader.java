package dev.skein.worker.duckdb;

import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} over a fixed list of batches of one schema, so they can be exported to
 * DuckDB as one {@code ArrowArrayStream}. The buffers are shared by reference count, not copied;
 * the caller keeps owning the batches and must keep them open until the reader is closed.
 */
final class BatchListReader extends ArrowReader {
    private final Schema schema;
    private final List<VectorSchemaRoot> batches;
    private int next;

    BatchListReader(BufferAllocator allocator, Schema schema, List<VectorSchemaRoot> batches) {
        super(allocator);
        this.schema = schema;
        this.batches = List.copyOf(batches);
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        if (next == batches.size()) {
            return false;
        }
        prepareLoadNextBatch();
        try (ArrowRecordBatch recordBatch = new VectorUnloader(batches.get(next++)).getRecordBatch()) {
            new VectorLoader(getVectorSchemaRoot()).load(recordBatch);
        }
        return true;
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
