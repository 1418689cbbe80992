package dev.skein.worker.exchange;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * Checks a batch that arrived from the network against its own buffers before anything reads it:
 * row count, buffer sizes, and every offset of a variable-width column within its data. Skein
 * reads buffers without Arrow's per-access bounds checks, so a batch whose header lies (20M rows
 * in a 16-byte body) or whose offsets point outside its data must never get past here.
 *
 * <p>Arrow's own full validation ({@code ValueVectorUtility.validateFull}) also checks that every
 * string is UTF-8 and formats a message for every value it checks, which made it a third of a
 * receiving worker's CPU; here fixed-width and variable-width columns, nearly all of Skein's
 * traffic, are checked by reading their buffers once, and only nested types take the full path.
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
                // Buffer sizes against the value count, without reading any value.
                ValueVectorUtility.validate(vector);
                if (vector instanceof BaseVariableWidthVector variable) {
                    checkOffsets(variable);
                } else if (!(vector instanceof BaseFixedWidthVector)) {
                    ValueVectorUtility.validateFull(vector);
                }
            }
        } catch (RuntimeException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "malformed batch from " + what + ": " + e.getMessage(), e);
        }
    }

    /** Offsets start at 0 or more, never decrease, and end inside the data buffer. */
    private static void checkOffsets(BaseVariableWidthVector vector) {
        int count = vector.getValueCount();
        if (count == 0) {
            return;
        }
        ArrowBuf offsets = vector.getOffsetBuffer();
        long dataCapacity = vector.getDataBuffer().capacity();
        int previous = offsets.getInt(0);
        if (previous < 0) {
            throw new IllegalArgumentException("column '" + vector.getName() + "' has a negative first offset");
        }
        for (int i = 1; i <= count; i++) {
            int offset = offsets.getInt((long) i * BaseVariableWidthVector.OFFSET_WIDTH);
            if (offset < previous) {
                throw new IllegalArgumentException("column '" + vector.getName() + "' has decreasing offsets at offset " + i);
            }
            previous = offset;
        }
        if (previous > dataCapacity) {
            throw new IllegalArgumentException("column '" + vector.getName() + "' has offsets past its " + dataCapacity
                    + "-byte data buffer");
        }
    }
}
