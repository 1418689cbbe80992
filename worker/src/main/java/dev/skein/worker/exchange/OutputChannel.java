package dev.skein.worker.exchange;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The sending end of one edge to one receiving task: over Flight ({@link OutboundStream}) or, when
 * both tasks run in this process, straight into the receiver's inbox ({@link LocalChannel}). Used
 * by one task thread.
 */
public interface OutputChannel extends AutoCloseable {
    /**
     * Sends {@code batch}, blocking while the receiver has no room (backpressure).
     *
     * @param batch still owned by the caller; its buffers are shared, not copied
     */
    void send(VectorSchemaRoot batch);

    /** Ends the stream and waits until the receiver took every batch. */
    void complete();

    /** Frees the channel; a channel closed before {@link #complete} tells the receiver its input broke. */
    @Override
    void close();
}
