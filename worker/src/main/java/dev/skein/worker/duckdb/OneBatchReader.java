package dev.skein.worker.duckdb;

import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} over exactly one batch, so a batch can be exported to DuckDB as an
 * {@code ArrowArrayStream}. The buffers are shared by reference count, not copied; the caller
 * keeps owning {@code batch} and must keep it open until the reader is closed.
 */
final class OneBatchReader extends ArrowReader {
    private final VectorSchemaRoot batch;
    private boolean served;

    OneBatchReader(BufferAllocator allocator, VectorSchemaRoot batch) {
        super(allocator);
        this.batch = batch;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        if (served) {
            return false;
        }
        served = true;
        prepareLoadNextBatch();
        try (ArrowRecordBatch recordBatch = new VectorUnloader(batch).getRecordBatch()) {
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
        return batch.getSchema();
    }
}
