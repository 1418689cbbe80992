package dev.skein.coordinator.sql;

import java.time.Instant;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** The {@code taps} schema's tables: the running stages, and the lossy taps on their output. */
public interface TapSource {
    /** Every stage of every pipeline that has not ended. */
    List<StageName> running();

    /** The Arrow schema of a running stage's output. */
    Schema schemaOf(StageName stage);

    /**
     * Opens a tap on every task of a running stage, merged into one stream that ends once every
     * task's tap ended, at {@code deadline}, or when closed. The caller closes it.
     */
    ArrowReader open(StageName stage, BufferAllocator allocator, Instant deadline);
}
