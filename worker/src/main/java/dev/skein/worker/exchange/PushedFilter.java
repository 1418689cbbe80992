package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skein.worker.duckdb.DuckDbSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A filter stage ({@code SELECT * FROM input WHERE <predicate>}) pushed into the SQL source before
 * it, when the filter's output is a hash edge: the source's query also computes, as its last
 * column {@value #NAME}, each row's partition for the filter's edge, or -1 where the filter drops
 * the row. The source's taps and counters see its rows without that column; the filter stage runs
 * no query of its own and only splits by it ({@link OutputRouter#routeKept}), its counters and taps
 * seeing the rows it keeps. So the source's rows are exported from DuckDB once, and never imported
 * into the filter's DuckDB and exported again.
 *
 * <p>Only a filter whose whole query is {@code SELECT * FROM input WHERE <predicate>} is pushed,
 * decided on DuckDB's own parse tree ({@code json_serialize_sql}): a star without EXCLUDE or
 * REPLACE, the relation {@code input} itself, a WHERE without subqueries, and nothing else (no
 * CTE, GROUP BY, HAVING, QUALIFY, ORDER BY, LIMIT, DISTINCT, sample). The predicate moves into a
 * column printed back by DuckDB ({@code json_deserialize_sql}), so its text is DuckDB's own. A row
 * whose predicate is NULL is dropped, as WHERE drops it.
 *
 * @param filterSql the filter stage's SQL as written
 * @param partition the filter's own output edge
 */
public record PushedFilter(String filterSql, PartitionColumn partition) {
    /** The source's extra column: the row's partition on the filter's edge, or -1 if dropped. */
    public static final String NAME = "__skein_pushed";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEEP = "__skein_keep";

    public PushedFilter {
        requireNonNull(filterSql, "filterSql is null");
        requireNonNull(partition, "partition is null");
    }

    /**
     * The source's query with the filter pushed into it, if the filter has the one shape that can
     * be pushed; empty otherwise (the filter then runs as itself).
     */
    public Optional<String> wrap(DuckDbSession session, String sourceSql) {
        return keepQuery(session, filterSql).map(keep -> "SELECT * EXCLUDE (" + KEEP + "), CASE WHEN " + KEEP
                + " THEN " + partition.expression() + " ELSE -1 END AS " + NAME + " FROM (WITH input AS (\n"
                + sourceSql + "\n) " + keep + ") AS skein_pushed_filter");
    }

    /**
     * {@code SELECT *, (<predicate>) AS __skein_keep FROM input} for a filter of the pushable
     * shape, printed by DuckDB; empty for any other query, or one DuckDB cannot parse.
     */
    static Optional<String> keepQuery(DuckDbSession session, String filterSql) {
        try {
            JsonNode tree = MAPPER.readTree(session.scalar("SELECT json_serialize_sql(?)", filterSql));
            JsonNode statements = tree.path("statements");
            if (tree.path("error").asBoolean(true) || statements.size() != 1) {
                return Optional.empty();
            }
            ObjectNode node = (ObjectNode) statements.get(0).path("node");
            if (!isStarFromInputWhere(node)) {
                return Optional.empty();
            }
            ObjectNode keep = (ObjectNode) node.get("where_clause").deepCopy();
            keep.put("alias", KEEP);
            ((ArrayNode) node.get("select_list")).add(keep);
            node.putNull("where_clause");
            String printed = session.scalar("SELECT json_deserialize_sql(?::JSON)", MAPPER.writeValueAsString(tree));
            return Optional.ofNullable(printed);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static boolean isStarFromInputWhere(JsonNode node) {
        JsonNode select = node.path("select_list");
        JsonNode star = select.path(0);
        JsonNode from = node.path("from_table");
        JsonNode where = node.path("where_clause");
        return "SELECT_NODE".equals(node.path("type").asText())
                && node.path("modifiers").isEmpty()
                && node.path("cte_map").path("map").isEmpty()
                && select.size() == 1
                && "STAR".equals(star.path("class").asText())
                && star.path("relation_name").asText().isEmpty()
                && star.path("exclude_list").isEmpty()
                && star.path("replace_list").isEmpty()
                && !star.path("columns").asBoolean(false)
                && star.path("expr").isNull()
                && "BASE_TABLE".equals(from.path("type").asText())
                && "input".equalsIgnoreCase(from.path("table_name").asText())
                && from.path("schema_name").asText().isEmpty()
                && from.path("catalog_name").asText().isEmpty()
                && from.path("sample").isNull()
                && where.isObject()
                && !where.toString().contains("\"SUBQUERY\"")
                && node.path("group_expressions").isEmpty()
                && node.path("group_sets").isEmpty()
                && node.path("having").isNull()
                && node.path("qualify").isNull()
                && node.path("sample").isNull()
                && "STANDARD_HANDLING".equals(node.path("aggregate_handling").asText());
    }

    /** The pushed column of {@code batch}, if its last column is one. */
    public static Optional<IntVector> of(VectorSchemaRoot batch) {
        List<FieldVector> vectors = batch.getFieldVectors();
        if (vectors.isEmpty()) {
            return Optional.empty();
        }
        FieldVector last = vectors.get(vectors.size() - 1);
        return NAME.equals(last.getName()) && last instanceof IntVector ids ? Optional.of(ids) : Optional.empty();
    }

    /**
     * The schema a stage that passes a pushed batch on reports: its last column named as the
     * partition column ({@link PartitionColumn#NAME}), which the task leaves out of its output.
     */
    public static Schema asPartitioned(Schema schema) {
        List<Field> fields = new ArrayList<>(schema.getFields());
        Field last = fields.remove(fields.size() - 1);
        fields.add(new Field(PartitionColumn.NAME, last.getFieldType(), last.getChildren()));
        return new Schema(fields, schema.getCustomMetadata());
    }

    /** {@code schema} without a trailing pushed column. */
    public static Schema visible(Schema schema) {
        List<Field> fields = schema.getFields();
        if (fields.isEmpty() || !NAME.equals(fields.get(fields.size() - 1).getName())) {
            return schema;
        }
        return new Schema(new ArrayList<>(fields.subList(0, fields.size() - 1)), schema.getCustomMetadata());
    }
}
