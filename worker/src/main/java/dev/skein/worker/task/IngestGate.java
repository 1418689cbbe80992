package dev.skein.worker.task;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The handshake between an ingest source task and its writers: writers wait until the task has
 * worked out the Arrow schema they must send (or has ended without accepting any). Thread-safe.
 */
final class IngestGate {
    private static final long OPEN_TIMEOUT_SECONDS = 30;

    private final String pipeline;
    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile Schema schema;

    IngestGate(String pipeline) {
        this.pipeline = pipeline;
    }

    /** The task accepts writers sending {@code accepted} from now on. */
    void open(Schema accepted) {
        schema = accepted;
        decided.countDown();
    }

    /** The task ended; writers waiting or arriving later are told so. */
    void close() {
        decided.countDown();
    }

    Schema await() throws InterruptedException {
        if (!decided.await(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS) || schema == null) {
            throw new SkeinException(
                    ErrorCode.NOT_FOUND, "the ingest source of '" + pipeline + "' is not accepting data");
        }
        return schema;
    }
}
