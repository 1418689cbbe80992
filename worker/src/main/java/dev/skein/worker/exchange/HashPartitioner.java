package dev.skein.worker.exchange;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Splits a batch by the hash of its key columns, column by column (no row objects). The hash is
 * Arrow's per-value hash, the same in every process, so equal keys always meet in the same task.
 */
final class HashPartitioner {
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
        int rows = batch.getRowCount();
        List<ValueVector> keyVectors = new ArrayList<>(keys.size());
        for (String key : keys) {
            keyVectors.add(batch.getVector(key));
        }
        int[] partitionOf = new int[rows];
        int[] counts = new int[partitions];
        for (int row = 0; row < rows; row++) {
            int hash = 0;
            for (ValueVector vector : keyVectors) {
                hash = 31 * hash + vector.hashCode(row);
            }
            int partition = Math.floorMod(hash, partitions);
            partitionOf[row] = partition;
            counts[partition]++;
        }
        VectorSchemaRoot[] parts = new VectorSchemaRoot[partitions];
        int[][] selections = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            selections[p] = new int[counts[p]];
        }
        int[] filled = new int[partitions];
        for (int row = 0; row < rows; row++) {
            int p = partitionOf[row];
            selections[p][filled[p]++] = row;
        }
        for (int p = 0; p < partitions; p++) {
            if (counts[p] > 0) {
                parts[p] = copyRows(batch, selections[p]);
            }
        }
        return parts;
    }

    private VectorSchemaRoot copyRows(VectorSchemaRoot batch, int[] selection) {
        VectorSchemaRoot part = VectorSchemaRoot.create(batch.getSchema(), allocator);
        for (int column = 0; column < batch.getFieldVectors().size(); column++) {
            ColumnGather.gather(batch.getVector(column), part.getVector(column), selection);
        }
        part.setRowCount(selection.length);
        return part;
    }
}
