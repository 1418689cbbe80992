package dev.skein.worker.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class TestHashPartitioner {
    @Test
    void equalKeysLandInOnePartitionAndNoRowIsLostOrDuplicated() {
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector category = new VarCharVector("category", allocator);
                BigIntVector id = new BigIntVector("id", allocator)) {
            int rows = 10_000;
            category.allocateNew(rows);
            id.allocateNew(rows);
            for (int i = 0; i < rows; i++) {
                if (i % 11 == 0) {
                    category.setNull(i);
                } else {
                    category.setSafe(i, ("c" + (i % 8)).getBytes(StandardCharsets.UTF_8));
                }
                id.set(i, i);
            }
            category.setValueCount(rows);
            id.setValueCount(rows);
            try (VectorSchemaRoot batch = VectorSchemaRoot.of(category, id)) {
                batch.setRowCount(rows);
                VectorSchemaRoot[] parts = new HashPartitioner(List.of("category"), 3, allocator).split(batch);
                Map<String, Integer> partitionOfKey = new HashMap<>();
                long idSum = 0;
                int total = 0;
                for (int p = 0; p < parts.length; p++) {
                    if (parts[p] == null) {
                        continue;
                    }
                    try (VectorSchemaRoot part = parts[p]) {
                        VarCharVector keys = (VarCharVector) part.getVector("category");
                        BigIntVector ids = (BigIntVector) part.getVector("id");
                        for (int row = 0; row < part.getRowCount(); row++) {
                            String key = keys.isNull(row) ? "NULL" : new String(keys.get(row), StandardCharsets.UTF_8);
                            assertThat(partitionOfKey.putIfAbsent(key, p)).isIn(null, p);
                            assertThat(keys.isNull(row)).isEqualTo(ids.get(row) % 11 == 0);
                            if (!keys.isNull(row)) {
                                assertThat(key).isEqualTo("c" + ids.get(row) % 8);
                            }
                            idSum += ids.get(row);
                        }
                        total += part.getRowCount();
                    }
                }
                assertThat(total).isEqualTo(rows);
                assertThat(idSum).isEqualTo((long) rows * (rows - 1) / 2);
                assertThat(partitionOfKey).hasSize(9);
            }
            assertThat(allocator.getAllocatedMemory()).isZero();
        }
    }
}
