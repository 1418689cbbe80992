package dev.skein.worker.exchange;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Copies the selected rows of one column into another, buffer to buffer. Fixed-width and
 * variable-width (string, binary) columns are copied by address, without per-value virtual calls
 * or per-access bounds checks, which are most of a hash exchange's CPU otherwise; every other type
 * goes through Arrow's {@code copyFromSafe}.
 *
 * <p>Reading by address is safe because the source's offsets are sound (DuckDB's own output, or a
 * batch from the network that {@link BatchValidation} checked) and every target buffer is allocated
 * here to exactly what the selected rows need.
 */
final class ColumnGather {
    /** Values up to this long are copied byte by byte: cheaper than a bulk copy's call. */
    private static final int SHORT_VALUE = 16;

    private ColumnGather() {}

    /**
     * Fills the empty vector {@code to} with rows {@code selection} of {@code from}.
     *
     * @param fromHasNulls whether {@code from} has any null (known to the caller, who gathers the
     *     same column once per partition)
     */
    static void gather(FieldVector from, FieldVector to, int[] selection, boolean fromHasNulls) {
        int count = selection.length;
        if (from instanceof BaseFixedWidthVector fixed && fixed.getTypeWidth() > 0) {
            gatherFixed(fixed, (BaseFixedWidthVector) to, selection, fixed.getTypeWidth());
            copyValidity(from, to.getValidityBuffer(), selection, fromHasNulls);
        } else if (from instanceof BaseVariableWidthVector variable) {
            gatherVariable(variable, (BaseVariableWidthVector) to, selection);
            copyValidity(from, to.getValidityBuffer(), selection, fromHasNulls);
            // Tells the vector every slot up to here is set, so setValueCount does not "fill holes".
            ((BaseVariableWidthVector) to).setLastSet(count - 1);
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
        long source = from.getDataBuffer().memoryAddress();
        long target = to.getDataBuffer().memoryAddress();
        if (width == Long.BYTES) {
            for (int i = 0; i < selection.length; i++) {
                long value = MemoryUtil.getLong(source + (long) selection[i] * Long.BYTES);
                MemoryUtil.putLong(target + (long) i * Long.BYTES, value);
            }
        } else if (width == Integer.BYTES) {
            for (int i = 0; i < selection.length; i++) {
                int value = MemoryUtil.getInt(source + (long) selection[i] * Integer.BYTES);
                MemoryUtil.putInt(target + (long) i * Integer.BYTES, value);
            }
        } else {
            for (int i = 0; i < selection.length; i++) {
                MemoryUtil.copyMemory(source + (long) selection[i] * width, target + (long) i * width, width);
            }
        }
    }

    private static void gatherVariable(BaseVariableWidthVector from, BaseVariableWidthVector to, int[] selection) {
        long sourceOffsets = from.getOffsetBuffer().memoryAddress();
        long bytes = 0;
        for (int row : selection) {
            bytes += offset(sourceOffsets, row + 1) - offset(sourceOffsets, row);
        }
        to.allocateNew(Math.max(1, bytes), selection.length);
        long source = from.getDataBuffer().memoryAddress();
        long target = to.getDataBuffer().memoryAddress();
        long targetOffsets = to.getOffsetBuffer().memoryAddress();
        int position = 0;
        for (int i = 0; i < selection.length; i++) {
            int start = offset(sourceOffsets, selection[i]);
            int length = offset(sourceOffsets, selection[i] + 1) - start;
            MemoryUtil.putInt(targetOffsets + (long) i * Integer.BYTES, position);
            if (length <= SHORT_VALUE) {
                for (int b = 0; b < length; b++) {
                    MemoryUtil.putByte(target + position + b, MemoryUtil.getByte(source + start + b));
                }
            } else {
                MemoryUtil.copyMemory(source + start, target + position, length);
            }
            position += length;
        }
        MemoryUtil.putInt(targetOffsets + (long) selection.length * Integer.BYTES, position);
    }

    private static int offset(long offsets, int row) {
        return MemoryUtil.getInt(offsets + (long) row * Integer.BYTES);
    }

    /**
     * The target's validity buffer is zeroed on allocation; only set bits need writing, and a
     * column without nulls (the common case) is all ones.
     */
    private static void copyValidity(FieldVector from, ArrowBuf target, int[] selection, boolean fromHasNulls) {
        if (!fromHasNulls) {
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
