package dev.skein.worker.exchange;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Splits a batch by the hash of its key columns, column by column (no row objects). The hash is
 * computed here from the values' bytes (fixed-width and variable-width columns read straight from
 * their buffers; other types through Arrow's per-value hash), so it is the same in every process
 * and every version that keeps this class: equal keys always meet in the same task. Nulls hash to
 * a constant. A SQL stage has DuckDB compute its partitions instead ({@link PartitionColumn}); every
 * sender of one edge uses the same of the two.
 */
final class HashPartitioner {
    private static final int NULL_HASH = 0x5bd1e995;

    private final List<String> keys;
    private final int partitions;
    private final BufferAllocator allocator;

    HashPartitioner(List<String> keys, int partitions, BufferAllocator allocator) {
        this.keys = List.copyOf(keys);
        this.partitions = partitions;
        this.allocator = allocator;
    }

    /**
     * @param batch still owned by the caller
     * @return one batch per partition (null where a partition got no rows), owned by the caller
     */
    VectorSchemaRoot[] split(VectorSchemaRoot batch) {
        return split(batch, partitionsOf(batch));
    }

    /**
     * Splits by partitions computed elsewhere ({@link PartitionColumn}).
     *
     * @param batch still owned by the caller, without the partition column
     * @param partitions each row's partition, in {@code [0, partitions)}
     * @return one batch per partition (null where a partition got no rows), owned by the caller
     */
    VectorSchemaRoot[] split(VectorSchemaRoot batch, IntVector partitions) {
        int rows = batch.getRowCount();
        if (partitions.getValueCount() < rows || partitions.getNullCount() > 0) {
            throw new IllegalArgumentException("a partition for every row expected: " + partitions.getValueCount()
                    + " partitions, " + partitions.getNullCount() + " null, for " + rows + " rows");
        }
        int[] partitionOf = new int[rows];
        long ids = partitions.getDataBuffer().memoryAddress();
        for (int row = 0; row < rows; row++) {
            partitionOf[row] = MemoryUtil.getInt(ids + (long) row * Integer.BYTES);
        }
        return split(batch, partitionOf);
    }

    private VectorSchemaRoot[] split(VectorSchemaRoot batch, int[] partitionOf) {
        int rows = batch.getRowCount();
        int[] counts = new int[partitions];
        for (int row = 0; row < rows; row++) {
            counts[partitionOf[row]]++;
        }
        int[][] selections = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            selections[p] = new int[counts[p]];
        }
        int[] filled = new int[partitions];
        for (int row = 0; row < rows; row++) {
            int p = partitionOf[row];
            selections[p][filled[p]++] = row;
        }
        boolean[] hasNulls = new boolean[batch.getFieldVectors().size()];
        for (int column = 0; column < hasNulls.length; column++) {
            hasNulls[column] = batch.getVector(column).getNullCount() > 0;
        }
        VectorSchemaRoot[] parts = new VectorSchemaRoot[partitions];
        for (int p = 0; p < partitions; p++) {
            if (counts[p] > 0) {
                parts[p] = copyRows(batch, selections[p], hasNulls);
            }
        }
        return parts;
    }

    /** The partition of every row. */
    int[] partitionsOf(VectorSchemaRoot batch) {
        int rows = batch.getRowCount();
        int[] hashes = new int[rows];
        for (String key : keys) {
            mix(batch.getVector(key), hashes, rows);
        }
        for (int row = 0; row < rows; row++) {
            hashes[row] = Math.floorMod(finish(hashes[row]), partitions);
        }
        return hashes;
    }

    /** Folds the hash of each row's value of {@code vector} into {@code hashes}. */
    private static void mix(FieldVector vector, int[] hashes, int rows) {
        if (vector instanceof BaseVariableWidthVector variable) {
            mixVariable(variable, hashes, rows);
        } else if (vector instanceof BaseFixedWidthVector fixed && !(vector instanceof BitVector)) {
            mixFixed(fixed, hashes, rows);
        } else {
            for (int row = 0; row < rows; row++) {
                hashes[row] = 31 * hashes[row] + (vector.isNull(row) ? NULL_HASH : vector.hashCode(row));
            }
        }
    }

    private static void mixVariable(BaseVariableWidthVector vector, int[] hashes, int rows) {
        ArrowBuf validity = vector.getValidityBuffer();
        ArrowBuf offsets = vector.getOffsetBuffer();
        ArrowBuf data = vector.getDataBuffer();
        for (int row = 0; row < rows; row++) {
            int hash;
            if (BitVectorHelper.get(validity, row) == 0) {
                hash = NULL_HASH;
            } else {
                long start = offsets.getInt((long) row * Integer.BYTES);
                long end = offsets.getInt((long) (row + 1) * Integer.BYTES);
                hash = hashBytes(data, start, end);
            }
            hashes[row] = 31 * hashes[row] + hash;
        }
    }

    private static void mixFixed(BaseFixedWidthVector vector, int[] hashes, int rows) {
        ArrowBuf validity = vector.getValidityBuffer();
        ArrowBuf data = vector.getDataBuffer();
        int width = vector.getTypeWidth();
        for (int row = 0; row < rows; row++) {
            int hash;
            if (BitVectorHelper.get(validity, row) == 0) {
                hash = NULL_HASH;
            } else if (width == Long.BYTES) {
                hash = hashLong(data.getLong((long) row * Long.BYTES));
            } else if (width == Integer.BYTES) {
                hash = hashLong(data.getInt((long) row * Integer.BYTES));
            } else {
                hash = hashBytes(data, (long) row * width, (long) (row + 1) * width);
            }
            hashes[row] = 31 * hashes[row] + hash;
        }
    }

    /** Bytes {@code [start, end)} of {@code data}, eight at a time. */
    private static int hashBytes(ArrowBuf data, long start, long end) {
        long hash = 0x9E3779B97F4A7C15L ^ (end - start);
        long position = start;
        for (; position + Long.BYTES <= end; position += Long.BYTES) {
            hash = (hash ^ data.getLong(position)) * 0xC2B2AE3D27D4EB4FL;
            hash = Long.rotateLeft(hash, 31);
        }
        for (; position < end; position++) {
            hash = (hash ^ (data.getByte(position) & 0xFF)) * 0x100000001B3L;
        }
        return hashLong(hash);
    }

    /** MurmurHash3's 64-bit finalizer, folded to 32 bits. */
    private static int hashLong(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) (h ^ (h >>> 32));
    }

    /** Spreads the combined key hash over its bits before the modulo. */
    private static int finish(int hash) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    private VectorSchemaRoot copyRows(VectorSchemaRoot batch, int[] selection, boolean[] hasNulls) {
        VectorSchemaRoot part = VectorSchemaRoot.create(batch.getSchema(), allocator);
        for (int column = 0; column < batch.getFieldVectors().size(); column++) {
            ColumnGather.gather(batch.getVector(column), part.getVector(column), selection, hasNulls[column]);
        }
        part.setRowCount(selection.length);
        return part;
    }
}
