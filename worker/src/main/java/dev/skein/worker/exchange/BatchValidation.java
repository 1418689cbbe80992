package dev.skein.worker.exchange;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * Checks a batch that arrived from the network against its own buffers before anything reads it:
 * row count, buffer sizes, offsets within their data. Skein reads buffers without Arrow's
 * per-access bounds checks, so a batch whose header lies (20M rows in a 16-byte body) must never
 * get past here.
 */
public final class BatchValidation {
    private BatchValidation() {}

    /**
     * @param what where the batch came from, for the message
     * @throws SkeinException INVALID_ARGUMENT if the batch does not match its buffers
     */
    public static void check(VectorSchemaRoot batch, String what) {
        try {
            for (FieldVector vector : batch.getFieldVectors()) {
                if (vector.getValueCount() < batch.getRowCount()) {
                    throw new IllegalArgumentException("column '" + vector.getName() + "' has " + vector.getValueCount()
                            + " values for " + batch.getRowCount() + " rows");
                }
                ValueVectorUtility.validateFull(vector);
            }
        } catch (RuntimeException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "malformed batch from " + what + ": " + e.getMessage(), e);
        }
    }
}
