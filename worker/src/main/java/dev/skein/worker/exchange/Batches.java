package dev.skein.worker.exchange;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/** Hands batches between owners: sharing buffers where Arrow can, copying them where it cannot. */
public final class Batches {
    private Batches() {}

    /** The bytes of {@code batch}'s buffers, as Arrow sizes them. */
    public static long bytes(VectorSchemaRoot batch) {
        long bytes = 0;
        for (FieldVector vector : batch.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        return bytes;
    }

    /**
     * A new root over the same buffers as {@code batch}, with its own references accounted to
     * {@code allocator}. For buffers Java allocated (Flight, Java transforms, hash splits) only:
     * buffers imported from DuckDB through the C Data interface stay tied to the allocator that
     * imported them, so they must be {@link #copy copied} to outlive it. The caller keeps owning
     * {@code batch}; the result is owned by whoever asked for it.
     */
    public static VectorSchemaRoot share(VectorSchemaRoot batch, BufferAllocator allocator) {
        VectorSchemaRoot shared = VectorSchemaRoot.create(batch.getSchema(), allocator);
        try (ArrowRecordBatch buffers = new VectorUnloader(batch).getRecordBatch()) {
            new VectorLoader(shared).load(buffers);
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
        return shared;
    }

    /**
     * A copy of {@code batch} in {@code allocator}, buffer by buffer (one memory copy per buffer,
     * whatever the column types). For batches whose buffers belong to someone who will free them
     * soon, such as DuckDB's exported results. The caller keeps owning {@code batch}.
     */
    public static VectorSchemaRoot copy(VectorSchemaRoot batch, BufferAllocator allocator) {
        VectorSchemaRoot copy = VectorSchemaRoot.create(batch.getSchema(), allocator);
        try (ArrowRecordBatch source = new VectorUnloader(batch).getRecordBatch()) {
            List<ArrowBuf> buffers = new ArrayList<>(source.getBuffers().size());
            try {
                for (ArrowBuf buffer : source.getBuffers()) {
                    long size = buffer.readableBytes();
                    ArrowBuf target = allocator.buffer(size);
                    buffers.add(target);
                    target.setBytes(0, buffer, buffer.readerIndex(), size);
                    target.writerIndex(size);
                }
            } catch (RuntimeException e) {
                closeQuietly(buffers, e);
                throw e;
            }
            // The record batch takes over the references just made (retainBuffers = false).
            try (ArrowRecordBatch copied = new ArrowRecordBatch(source.getLength(), source.getNodes(), buffers,
                    source.getBodyCompression(), true, false)) {
                new VectorLoader(copy).load(copied);
            }
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
        return copy;
    }

    private static void closeQuietly(List<ArrowBuf> buffers, RuntimeException failure) {
        try {
            AutoCloseables.close(buffers);
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
