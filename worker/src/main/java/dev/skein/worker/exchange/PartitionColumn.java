package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A hash edge's partition, computed by DuckDB in the sending stage's own query rather than by
 * {@link HashPartitioner} in Java: the query is wrapped so that each row carries one more column,
 * {@value #NAME}, {@code hash(keys) % partitions}. The router splits by it and never sends it; the
 * stage's taps, counters and sinks never see it ({@link #visible}).
 *
 * <p>Every sender of one edge runs the same stage, so all of them compute the partition the same
 * way: SQL sources and SQL stages with DuckDB's {@code hash}, Java stages and ingest sources with
 * {@link HashPartitioner}. Equal keys meet in the same task either way.
 *
 * @param keys the receiving stage's {@code partition-by} columns
 * @param partitions how many tasks receive
 */
public record PartitionColumn(List<String> keys, int partitions) {
    /**
     * The extra column's name. A user's column of the same name stays as written: the partition is
     * always the last column, and only the last is taken and dropped.
     */
    public static final String NAME = "__skein_partition";

    public PartitionColumn {
        keys = List.copyOf(keys);
        if (keys.isEmpty() || partitions < 1) {
            throw new IllegalArgumentException("a partition column needs keys and at least one partition");
        }
    }

    /** For a task whose output edge is {@code edge}: the column, if the edge is a hash split. */
    public static Optional<PartitionColumn> forEdge(Optional<OutputEdge> edge) {
        return edge.filter(e -> !e.partitionBy().isEmpty())
                .map(e -> new PartitionColumn(e.partitionBy(), e.targets().size()));
    }

    /**
     * {@code sql} with the partition as its last column. The user's query starts on a line of its
     * own, as written; DuckDB's errors are explained against the unwrapped query anyway.
     */
    public String wrap(String sql) {
        String hashed = keys.stream().map(PartitionColumn::quote).collect(Collectors.joining(", "));
        return "SELECT *, CAST(hash(" + hashed + ") % " + partitions + " AS INTEGER) AS " + NAME
                + " FROM (\n" + requireNonNull(sql, "sql is null") + "\n) AS skein_partitioned";
    }

    /** The partition column of {@code batch}, if its last column is one. */
    public static Optional<IntVector> of(VectorSchemaRoot batch) {
        List<FieldVector> vectors = batch.getFieldVectors();
        if (vectors.isEmpty()) {
            return Optional.empty();
        }
        FieldVector last = vectors.get(vectors.size() - 1);
        return NAME.equals(last.getName()) && last instanceof IntVector ids ? Optional.of(ids) : Optional.empty();
    }

    /**
     * {@code batch} without its partition column: a view sharing its vectors, owned by the caller
     * of this method only as long as {@code batch} lives (never close it).
     */
    public static VectorSchemaRoot visible(VectorSchemaRoot batch) {
        List<FieldVector> vectors = batch.getFieldVectors();
        List<FieldVector> kept = new ArrayList<>(vectors.subList(0, vectors.size() - 1));
        List<Field> fields = new ArrayList<>(kept.size());
        for (FieldVector vector : kept) {
            fields.add(vector.getField());
        }
        // This constructor takes the row count as it is; setRowCount would touch the shared vectors.
        return new VectorSchemaRoot(fields, kept, batch.getRowCount());
    }

    /** {@code schema} without a trailing partition column. */
    public static Schema visible(Schema schema) {
        List<Field> fields = schema.getFields();
        if (fields.isEmpty() || !NAME.equals(fields.get(fields.size() - 1).getName())) {
            return schema;
        }
        return new Schema(fields.subList(0, fields.size() - 1), schema.getCustomMetadata());
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
