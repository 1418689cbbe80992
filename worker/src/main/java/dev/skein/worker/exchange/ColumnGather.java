package dev.skein.worker.exchange;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Copies the selected rows of one column into another, buffer to buffer. Fixed-width and
 * variable-width (string, binary) columns are copied without per-value virtual calls, which is
 * most of a hash exchange's CPU otherwise; every other type goes through Arrow's {@code
 * copyFromSafe}.
 */
final class ColumnGather {
    private ColumnGather() {}

    /** Fills the empty vector {@code to} with rows {@code selection} of {@code from}. */
    static void gather(FieldVector from, FieldVector to, int[] selection) {
        int count = selection.length;
        if (from instanceof BaseFixedWidthVector fixed && fixed.getTypeWidth() > 0) {
            gatherFixed(fixed, (BaseFixedWidthVector) to, selection, fixed.getTypeWidth());
        } else if (from instanceof BaseVariableWidthVector variable) {
            gatherVariable(variable, (BaseVariableWidthVector) to, selection);
        } else {
            to.setInitialCapacity(count);
            to.allocateNew();
            for (int i = 0; i < count; i++) {
                to.copyFromSafe(selection[i], i, from);
            }
        }
        to.setValueCount(count);
    }

    private static void gatherFixed(BaseFixedWidthVector from, BaseFixedWidthVector to, int[] selection, int width) {
        to.allocateNew(selection.length);
        ArrowBuf source = from.getDataBuffer();
        ArrowBuf target = to.getDataBuffer();
        if (width == Long.BYTES) {
            for (int i = 0; i < selection.length; i++) {
                target.setLong((long) i * Long.BYTES, source.getLong((long) selection[i] * Long.BYTES));
            }
        } else {
            for (int i = 0; i < selection.length; i++) {
                target.setBytes((long) i * width, source, (long) selection[i] * width, width);
            }
        }
        copyValidity(from, to.getValidityBuffer(), selection);
    }

    private static void gatherVariable(BaseVariableWidthVector from, BaseVariableWidthVector to, int[] selection) {
        ArrowBuf sourceOffsets = from.getOffsetBuffer();
        long bytes = 0;
        for (int row : selection) {
            bytes += sourceOffsets.getInt((long) (row + 1) * Integer.BYTES) - sourceOffsets.getInt((long) row * Integer.BYTES);
        }
        to.allocateNew(Math.max(1, bytes), selection.length);
        ArrowBuf source = from.getDataBuffer();
        ArrowBuf target = to.getDataBuffer();
        ArrowBuf targetOffsets = to.getOffsetBuffer();
        int position = 0;
        for (int i = 0; i < selection.length; i++) {
            int start = sourceOffsets.getInt((long) selection[i] * Integer.BYTES);
            int length = sourceOffsets.getInt((long) (selection[i] + 1) * Integer.BYTES) - start;
            targetOffsets.setInt((long) i * Integer.BYTES, position);
            target.setBytes(position, source, start, length);
            position += length;
        }
        targetOffsets.setInt((long) selection.length * Integer.BYTES, position);
        copyValidity(from, to.getValidityBuffer(), selection);
        // Tells the vector every slot up to here is set, so setValueCount does not "fill holes".
        to.setLastSet(selection.length - 1);
    }

    /**
     * The target's validity buffer is zeroed on allocation; only set bits need writing, and a
     * column without nulls (the common case) is all ones.
     */
    private static void copyValidity(FieldVector from, ArrowBuf target, int[] selection) {
        if (from.getNullCount() == 0) {
            int fullBytes = selection.length / 8;
            target.setOne(0, fullBytes);
            for (int i = fullBytes * 8; i < selection.length; i++) {
                BitVectorHelper.setBit(target, i);
            }
            return;
        }
        ArrowBuf source = from.getValidityBuffer();
        for (int i = 0; i < selection.length; i++) {
            if (BitVectorHelper.get(source, selection[i]) != 0) {
                BitVectorHelper.setBit(target, i);
            }
        }
    }
}
