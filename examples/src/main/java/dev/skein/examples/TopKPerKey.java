package dev.skein.examples;

import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.TransformContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A stateful transform: keeps, for every value of a key column, the {@code k} rows with the
 * largest values of a numeric column, and emits them at end of input (per key in order of first
 * appearance, largest first). Rows are kept as Arrow data in the transform's own allocator, never
 * as objects; a row that drops out of its key's top {@code k} is dropped from that memory at the
 * next compaction. A row whose value is NULL ranks below every value; of rows with equal values
 * the one that arrived first ranks higher.
 *
 * <p>With {@code parallelism: N}, give the stage {@code partition-by: [<key>]} so that every key's
 * rows meet in one task. Config: {@code key} and {@code by} (column names, required), {@code k}
 * (default 10).
 */
public final class TopKPerKey implements BatchTransform {
    /** Rows per emitted batch. */
    private static final int OUTPUT_ROWS = 65_536;
    /** Dropped rows tolerated before compaction, beyond as many as are live. */
    private static final int COMPACTION_SLACK = 65_536;

    private static final Comparator<Candidate> LOWEST_FIRST = Comparator.comparing(
                    (Candidate candidate) -> !candidate.isNull)
            .thenComparingDouble(candidate -> candidate.value)
            .thenComparing(Comparator.comparingLong((Candidate candidate) -> candidate.sequence).reversed());

    private BufferAllocator allocator;
    private String keyColumn;
    private String byColumn;
    private int k;
    private final Map<Object, PriorityQueue<Candidate>> topByKey = new LinkedHashMap<>();
    /** Every kept row (live or dropped), in the input's schema. */
    private VectorSchemaRoot kept;
    private int live;
    private long sequence;

    /** One kept row; {@code row} indexes {@link #kept}. */
    private static final class Candidate {
        final boolean isNull;
        final double value;
        final long sequence;
        int row;

        Candidate(boolean isNull, double value, long sequence, int row) {
            this.isNull = isNull;
            this.value = value;
            this.sequence = sequence;
            this.row = row;
        }
    }

    @Override
    public void open(TransformContext context) {
        allocator = context.allocator();
        keyColumn = StageConfig.requiredString(context.config(), "key");
        byColumn = StageConfig.requiredString(context.config(), "by");
        k = StageConfig.positiveInt(context.config(), "k", 10);
    }

    @Override
    public Schema outputSchema(Schema input) {
        column(input, "key", keyColumn);
        ArrowType by = column(input, "by", byColumn).getType();
        if (!(by instanceof ArrowType.Int || by instanceof ArrowType.FloatingPoint || by instanceof ArrowType.Decimal)) {
            throw new IllegalArgumentException("config 'by': column '" + byColumn + "' is " + by + ", not a number");
        }
        return input;
    }

    private static Field column(Schema input, String key, String name) {
        return input.getFields().stream()
                .filter(field -> field.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("config '" + key + "': no column '" + name
                        + "' in the input; it has: "
                        + String.join(", ", input.getFields().stream().map(Field::getName).toList())));
    }

    @Override
    public void apply(VectorSchemaRoot input, BatchEmitter out) {
        if (kept == null) {
            kept = VectorSchemaRoot.create(input.getSchema(), allocator);
            kept.allocateNew();
        }
        FieldVector keys = input.getVector(keyColumn);
        FieldVector values = input.getVector(byColumn);
        for (int row = 0; row < input.getRowCount(); row++) {
            boolean isNull = values.isNull(row);
            Candidate candidate = new Candidate(isNull, isNull ? 0 : number(values, row), sequence++, -1);
            PriorityQueue<Candidate> top = topByKey.computeIfAbsent(keys.getObject(row),
                    ignored -> new PriorityQueue<>(LOWEST_FIRST));
            if (top.size() == k) {
                if (LOWEST_FIRST.compare(candidate, top.peek()) <= 0) {
                    continue;
                }
                top.poll();
                live--;
            }
            candidate.row = append(input, row);
            top.add(candidate);
            live++;
        }
        if (kept.getRowCount() > 2 * live + COMPACTION_SLACK) {
            compact();
        }
    }

    private static double number(FieldVector vector, int row) {
        if (vector instanceof BaseIntVector ints) {
            return ints.getValueAsLong(row);
        }
        if (vector instanceof FloatingPointVector floats) {
            return floats.getValueAsDouble(row);
        }
        return ((Number) vector.getObject(row)).doubleValue();
    }

    private int append(VectorSchemaRoot input, int row) {
        int target = kept.getRowCount();
        for (int column = 0; column < input.getFieldVectors().size(); column++) {
            kept.getVector(column).copyFromSafe(row, target, input.getVector(column));
        }
        kept.setRowCount(target + 1);
        return target;
    }

    /** Keeps only the live rows, so that memory follows the number of keys, not of input rows. */
    private void compact() {
        List<Candidate> survivors = new ArrayList<>(live);
        topByKey.values().forEach(survivors::addAll);
        int[] selection = survivors.stream().mapToInt(candidate -> candidate.row).toArray();
        VectorSchemaRoot compacted = VectorSchemaRoot.create(kept.getSchema(), allocator);
        copyRows(kept, selection, compacted);
        kept.close();
        kept = compacted;
        for (int i = 0; i < selection.length; i++) {
            survivors.get(i).row = i;
        }
    }

    @Override
    public void finish(BatchEmitter out) {
        if (kept == null) {
            return;
        }
        List<Integer> order = new ArrayList<>(live);
        for (PriorityQueue<Candidate> top : topByKey.values()) {
            top.stream().sorted(LOWEST_FIRST.reversed()).forEach(candidate -> order.add(candidate.row));
        }
        for (int start = 0; start < order.size(); start += OUTPUT_ROWS) {
            int[] selection = order.subList(start, Math.min(order.size(), start + OUTPUT_ROWS)).stream()
                    .mapToInt(Integer::intValue)
                    .toArray();
            try (VectorSchemaRoot batch = VectorSchemaRoot.create(kept.getSchema(), allocator)) {
                copyRows(kept, selection, batch);
                out.emit(batch);
            }
        }
    }

    private static void copyRows(VectorSchemaRoot from, int[] selection, VectorSchemaRoot to) {
        for (int column = 0; column < from.getFieldVectors().size(); column++) {
            FieldVector source = from.getVector(column);
            FieldVector target = to.getVector(column);
            target.setInitialCapacity(selection.length);
            target.allocateNew();
            for (int i = 0; i < selection.length; i++) {
                target.copyFromSafe(selection[i], i, source);
            }
            target.setValueCount(selection.length);
        }
        to.setRowCount(selection.length);
    }

    @Override
    public void close() {
        if (kept != null) {
            kept.close();
            kept = null;
        }
        topByKey.clear();
    }
}
