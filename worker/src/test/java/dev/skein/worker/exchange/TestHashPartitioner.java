package dev.skein.worker.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.DuckDbSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
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

    /**
     * Rows split by partitions a query computed keep every value of every column kind: 8- and
     * 4-byte and 16-byte fixed-width, strings short and long (copied by address), nulls, booleans
     * and lists (copied by Arrow).
     */
    @Test
    void rowsSplitByGivenPartitionsKeepEveryValueOfEveryColumnKind() throws Exception {
        String sql = """
                SELECT i AS id, (i * 7)::INTEGER AS small, (i * 3.25)::DECIMAL(38, 2) AS big,
                       CASE WHEN i % 5 = 0 THEN NULL WHEN i % 2 = 0 THEN 'x' || i
                            ELSE repeat('long value ', 3) || i END AS text,
                       i % 3 = 0 AS flag, [i, i + 1] AS pair, (i % 4)::INTEGER AS __skein_partition
                FROM range(3000) t(i)""";
        List<String> expected = new ArrayList<>();
        List<String> received = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                DuckDbDatabase database = DuckDbDatabase.open(1, "256MB");
                DuckDbSession session = database.openSession(allocator)) {
            HashPartitioner partitioner = new HashPartitioner(List.of("id"), 4, allocator);
            session.query(sql, 1000, batch -> {
                VectorSchemaRoot visible = PartitionColumn.visible(batch);
                IntVector partitions = PartitionColumn.of(batch).orElseThrow();
                for (int row = 0; row < visible.getRowCount(); row++) {
                    expected.add(partitions.get(row) + ":" + rowOf(visible, row));
                }
                VectorSchemaRoot[] parts = partitioner.split(visible, partitions);
                for (int p = 0; p < parts.length; p++) {
                    try (VectorSchemaRoot part = parts[p]) {
                        assertThat(part.getSchema()).isEqualTo(visible.getSchema());
                        for (int row = 0; row < part.getRowCount(); row++) {
                            received.add(p + ":" + rowOf(part, row));
                        }
                    }
                }
            });
        }
        assertThat(received).hasSize(3000).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(received).anySatisfy(row -> assertThat(row).contains("long value long value"));
    }

    private static String rowOf(VectorSchemaRoot batch, int row) {
        List<String> values = new ArrayList<>();
        for (FieldVector vector : batch.getFieldVectors()) {
            values.add(String.valueOf(vector.getObject(row)));
        }
        return String.join("|", values);
    }

    /**
     * The partition of a value is part of the wire contract: two workers (or two versions) that
     * disagree would send equal keys to different tasks. These are the partitions of fixed values
     * into 2 and 3 tasks, one column of each kind the partitioner reads itself, plus a boolean that
     * goes through Arrow's own hash; nulls are row 0 of every column.
     */
    @Test
    void everySupportedTypeHashesToTheSamePartitionInEveryProcess() {
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector text = new VarCharVector("text", allocator);
                BigIntVector longs = new BigIntVector("longs", allocator);
                IntVector ints = new IntVector("ints", allocator);
                Float8Vector doubles = new Float8Vector("doubles", allocator);
                DecimalVector decimals = new DecimalVector("decimals", allocator, 18, 2);
                BitVector booleans = new BitVector("booleans", allocator)) {
            int rows = 9;
            text.allocateNew(rows);
            longs.allocateNew(rows);
            ints.allocateNew(rows);
            doubles.allocateNew(rows);
            decimals.allocateNew(rows);
            booleans.allocateNew(rows);
            for (int i = 1; i < rows; i++) {
                text.setSafe(i, ("c" + (i - 1)).getBytes(StandardCharsets.UTF_8));
                longs.set(i, i * 1_000_003L);
                ints.set(i, i - 1);
                doubles.set(i, i / 10.0);
                decimals.set(i, i * 101L);
                booleans.set(i, i % 2);
            }
            for (var vector : List.of(text, longs, ints, doubles, decimals, booleans)) {
                vector.setNull(0);
                vector.setValueCount(rows);
            }
            assertThat(partitions(text, 2, allocator)).containsExactly(1, 0, 1, 1, 1, 0, 0, 1, 1);
            assertThat(partitions(text, 3, allocator)).containsExactly(0, 1, 1, 1, 1, 2, 1, 1, 1);
            assertThat(partitions(longs, 2, allocator)).containsExactly(1, 1, 0, 1, 0, 0, 1, 0, 0);
            assertThat(partitions(longs, 3, allocator)).containsExactly(0, 0, 0, 2, 2, 2, 0, 1, 1);
            assertThat(partitions(ints, 3, allocator)).containsExactly(0, 0, 0, 1, 0, 2, 2, 1, 2);
            assertThat(partitions(doubles, 3, allocator)).containsExactly(0, 0, 0, 1, 2, 1, 0, 0, 1);
            assertThat(partitions(decimals, 3, allocator)).containsExactly(0, 1, 0, 2, 2, 2, 1, 2, 1);
            assertThat(partitions(booleans, 2, allocator)).containsExactly(1, 1, 0, 1, 0, 1, 0, 1, 0);
        }
    }

    private static int[] partitions(org.apache.arrow.vector.FieldVector column, int tasks, BufferAllocator allocator) {
        // Not closed: the root would close the column, which the test still uses (and closes).
        VectorSchemaRoot batch = new VectorSchemaRoot(List.of(column.getField()), List.of(column), column.getValueCount());
        return new HashPartitioner(List.of(column.getName()), tasks, allocator).partitionsOf(batch);
    }
}
