package dev.skein.coordinator.binding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Splits a {@code final} stage's GROUP BY into a partial aggregation, which every upstream task runs
 * over its own output, and a combining one over the partial rows, as Flink SQL and Spark split an
 * aggregation around a shuffle. Decided on DuckDB's own parse tree ({@code json_serialize_sql}),
 * rewritten as a tree and printed back by DuckDB ({@code json_deserialize_sql}): SQL text is never
 * parsed here. The split is kept only if DuckDB binds the combining query, over the partial
 * query's columns, to exactly the stage's own columns and types.
 *
 * <p>Splits one SELECT over {@code input} (no join, CTE, subquery, window, DISTINCT, QUALIFY,
 * SAMPLE, GROUPING SETS or GROUP BY ALL), grouped by plain columns or not grouped, whose aggregates
 * are {@code count(*)}, {@code count}, {@code sum}, {@code min}, {@code max} and {@code avg}
 * without DISTINCT, FILTER or ORDER BY. Any other aggregate ({@code median}, {@code count(DISTINCT
 * x)}, {@code list}, {@code string_agg}, ...) cannot be combined from partial results and keeps
 * the stage whole. WHERE moves into the partial query; HAVING, ORDER BY and LIMIT stay in the
 * combining one.
 */
final class AggregateSplitter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DECOMPOSABLE = Set.of("count_star", "count", "sum", "min", "max", "avg");
    private static final Set<String> MODIFIERS_KEPT = Set.of("ORDER_MODIFIER", "LIMIT_MODIFIER");
    private static final Set<String> NEVER_SPLIT = Set.of("SUBQUERY", "WINDOW", "STAR");
    private static final String PARTIAL_COLUMN = "skein_partial_";

    private final InMemoryDuckDb duckDb;
    private Set<String> aggregateFunctions;

    AggregateSplitter(InMemoryDuckDb duckDb) {
        this.duckDb = duckDb;
    }

    /**
     * The two queries.
     *
     * @param partialSql over an upstream task's output as {@code input}
     * @param combineSql over every partial row as {@code input}; gives the stage's own result
     */
    record Split(String partialSql, String combineSql) {}

    /** The query cannot be split; thrown inside the rewrite only. */
    private static final class NotSplittable extends Exception {
        NotSplittable() {
            super(null, null, false, false);
        }
    }

    /**
     * @param sql the final stage's SQL
     * @param input the columns the stage receives
     * @param output the columns the stage's SQL produces, as bound
     * @param groupKeysRequired columns the split must group by (a hash-partitioned final stage's
     *     partition keys, so each of its tasks still sees every row of its groups)
     * @return the split, or empty if the query cannot be split exactly
     * @throws SQLException if DuckDB fails on something other than the generated queries
     */
    Optional<Split> split(String sql, List<BoundColumn> input, List<BoundColumn> output, List<String> groupKeysRequired)
            throws SQLException {
        Optional<Split> split;
        try {
            split = rewrite(sql, groupKeysRequired);
        } catch (NotSplittable e) {
            return Optional.empty();
        }
        if (split.isEmpty()) {
            return split;
        }
        try {
            duckDb.replaceInput(input);
            List<BoundColumn> partial = duckDb.describe(split.get().partialSql()).columns();
            duckDb.replaceInput(partial);
            List<BoundColumn> combined = duckDb.describe(split.get().combineSql()).columns();
            return combined.equals(output) ? split : Optional.empty();
        } catch (SQLException e) {
            // A shape this rewrite does not know how to print back: keep the stage whole.
            return Optional.empty();
        } finally {
            duckDb.replaceInput(input);
        }
    }

    private Optional<Split> rewrite(String sql, List<String> groupKeysRequired) throws SQLException, NotSplittable {
        JsonNode tree = parse(duckDb.serialize(sql));
        JsonNode statements = tree.path("statements");
        if (tree.path("error").asBoolean(true) || statements.size() != 1) {
            return Optional.empty();
        }
        ObjectNode node = (ObjectNode) statements.get(0).path("node");
        if (!isPlainSelectOverInput(node)) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        for (JsonNode group : node.path("group_expressions")) {
            JsonNode names = group.path("column_names");
            if (!"COLUMN_REF".equals(group.path("class").asText()) || names.size() != 1) {
                return Optional.empty();
            }
            groups.add(names.get(0).asText());
        }
        Set<String> lowerGroups = groups.stream().map(AggregateSplitter::lower).collect(Collectors.toSet());
        if (!groupKeysRequired.stream().map(AggregateSplitter::lower).allMatch(lowerGroups::contains)) {
            return Optional.empty();
        }

        Rewrite rewrite = new Rewrite();
        node.set("select_list", rewrite.apply(node.get("select_list")));
        if (!node.path("having").isNull() && !node.path("having").isMissingNode()) {
            node.set("having", rewrite.apply(node.get("having")));
        }
        for (JsonNode modifier : node.path("modifiers")) {
            if ("ORDER_MODIFIER".equals(modifier.path("type").asText())) {
                ((ObjectNode) modifier).set("orders", rewrite.apply(modifier.get("orders")));
            }
        }
        if (rewrite.partials.isEmpty()) {
            return Optional.empty();
        }
        JsonNode where = node.path("where_clause");
        node.putNull("where_clause");
        String combine = duckDb.deserialize(tree.toString());

        List<String> items = new ArrayList<>();
        groups.forEach(group -> items.add(quote(group)));
        items.addAll(rewrite.partials);
        StringBuilder partial = new StringBuilder("SELECT ").append(String.join(", ", items)).append(" FROM input");
        if (!where.isNull() && !where.isMissingNode()) {
            partial.append(" WHERE ").append(expressionSql(where));
        }
        if (!groups.isEmpty()) {
            partial.append(" GROUP BY ").append(groups.stream().map(AggregateSplitter::quote)
                    .collect(Collectors.joining(", ")));
        }
        return Optional.of(new Split(partial.toString(), combine));
    }

    private static boolean isPlainSelectOverInput(ObjectNode node) {
        JsonNode from = node.path("from_table");
        boolean fromInput = "BASE_TABLE".equals(from.path("type").asText())
                && "input".equalsIgnoreCase(from.path("table_name").asText())
                && from.path("schema_name").asText("").isEmpty()
                && from.path("catalog_name").asText("").isEmpty()
                && isAbsent(from.path("sample"))
                && isAbsent(from.path("at_clause"));
        boolean modifiersKept = true;
        for (JsonNode modifier : node.path("modifiers")) {
            modifiersKept &= MODIFIERS_KEPT.contains(modifier.path("type").asText());
        }
        return "SELECT_NODE".equals(node.path("type").asText())
                && "STANDARD_HANDLING".equals(node.path("aggregate_handling").asText())
                && node.path("cte_map").path("map").isEmpty()
                && isAbsent(node.path("sample"))
                && isAbsent(node.path("qualify"))
                && node.path("group_sets").size() <= 1
                && fromInput
                && modifiersKept;
    }

    /**
     * Replaces every aggregate call with its combination over partial columns, collecting the
     * partial columns' SQL as it goes.
     */
    private final class Rewrite {
        final List<String> partials = new ArrayList<>();

        JsonNode apply(JsonNode node) throws SQLException, NotSplittable {
            if (node.isArray()) {
                ArrayNode array = (ArrayNode) node;
                for (int i = 0; i < array.size(); i++) {
                    array.set(i, apply(array.get(i)));
                }
                return array;
            }
            if (!node.isObject()) {
                return node;
            }
            ObjectNode object = (ObjectNode) node;
            String kind = object.path("class").asText("");
            if (NEVER_SPLIT.contains(kind)) {
                throw new NotSplittable();
            }
            if ("FUNCTION".equals(kind) && isAggregate(object)) {
                return combine(object);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<String> containers = new ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isContainerNode()) {
                    containers.add(field.getKey());
                }
            }
            for (String name : containers) {
                object.set(name, apply(object.get(name)));
            }
            return object;
        }

        private JsonNode combine(ObjectNode call) throws SQLException, NotSplittable {
            String function = call.path("function_name").asText();
            JsonNode arguments = call.path("arguments");
            boolean plain = DECOMPOSABLE.contains(function)
                    && !call.path("distinct").asBoolean(false)
                    && isAbsent(call.path("filter"))
                    && call.path("order_bys").path("orders").isEmpty()
                    && !call.path("export_state").asBoolean(false)
                    && arguments.size() == (function.equals("count_star") ? 0 : 1)
                    && (arguments.isEmpty() || arguments.get(0).path("name").asText("").isEmpty());
            if (!plain) {
                throw new NotSplittable();
            }
            String alias = call.path("alias").asText("");
            String combined = switch (function) {
                case "count_star", "count" -> "CAST(sum(" + partial(call, function) + ") AS BIGINT)";
                case "avg" -> "sum(" + partial(call, "sum") + ") / sum(" + partial(call, "count") + ")";
                default -> function + "(" + partial(call, function) + ")";
            };
            ObjectNode replacement = (ObjectNode) parse(duckDb.serialize("SELECT " + combined))
                    .path("statements").get(0).path("node").path("select_list").get(0);
            replacement.put("alias", alias);
            return replacement;
        }

        /** Adds {@code function} over the call's argument as a partial column; returns its quoted name. */
        private String partial(ObjectNode call, String function) throws SQLException {
            ObjectNode partialCall = call.deepCopy();
            partialCall.put("function_name", function);
            if (partialCall.path("qualified_name").path("path").isArray()) {
                ArrayNode path = (ArrayNode) partialCall.path("qualified_name").path("path");
                path.set(path.size() - 1, JSON.getNodeFactory().textNode(function));
            }
            String name = quote(PARTIAL_COLUMN + partials.size());
            partials.add(expressionSql(partialCall) + " AS " + name);
            return name;
        }
    }

    private boolean isAggregate(ObjectNode call) throws SQLException {
        if (!call.path("schema").asText("").isEmpty() || !call.path("catalog").asText("").isEmpty()) {
            return false;
        }
        if (aggregateFunctions == null) {
            aggregateFunctions = duckDb.aggregateFunctions();
        }
        return aggregateFunctions.contains(call.path("function_name").asText());
    }

    /** One expression as SQL, printed by DuckDB from its parse tree. */
    private String expressionSql(JsonNode expression) throws SQLException {
        JsonNode template = parse(duckDb.serialize("SELECT 1"));
        ObjectNode copy = expression.deepCopy();
        copy.put("alias", "");
        ArrayNode list = (ArrayNode) template.path("statements").get(0).path("node").path("select_list");
        list.set(0, copy);
        String select = duckDb.deserialize(template.toString());
        if (!select.startsWith("SELECT ")) {
            throw new SQLException("unexpected SQL printed by DuckDB: " + select);
        }
        return select.substring("SELECT ".length());
    }

    private static JsonNode parse(String json) throws SQLException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("DuckDB printed a parse tree that is not JSON: " + e.getMessage(), e);
        }
    }

    private static boolean isAbsent(JsonNode node) {
        return node.isNull() || node.isMissingNode();
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
