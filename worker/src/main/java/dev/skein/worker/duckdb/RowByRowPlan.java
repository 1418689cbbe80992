package dev.skein.worker.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;

/** Reads DuckDB's JSON plan ({@code EXPLAIN (FORMAT json)}) for {@link DuckDbSession#isRowByRow}. */
final class RowByRowPlan {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> ROW_BY_ROW = Set.of("PROJECTION", "FILTER");

    private RowByRowPlan() {}

    /**
     * {@link QueryShape#ONE_ROW_PER_ROW} for a chain of projections over one Arrow scan that
     * filters nothing, {@link QueryShape#ROW_BY_ROW} when the chain also holds a filter (a node of
     * its own, or filters pushed into the scan), {@link QueryShape#OTHER} for anything else.
     */
    static QueryShape shape(String json) {
        JsonNode roots;
        try {
            roots = MAPPER.readTree(json);
        } catch (IOException e) {
            return QueryShape.OTHER;
        }
        if (!roots.isArray() || roots.size() != 1) {
            return QueryShape.OTHER;
        }
        JsonNode node = roots.get(0);
        boolean filters = false;
        while (true) {
            String name = node.path("name").asText();
            JsonNode children = node.path("children");
            if (name.startsWith("ARROW_SCAN")) {
                if (!children.isEmpty()) {
                    return QueryShape.OTHER;
                }
                filters |= node.path("extra_info").has("Filters");
                return filters ? QueryShape.ROW_BY_ROW : QueryShape.ONE_ROW_PER_ROW;
            }
            if (!ROW_BY_ROW.contains(name) || children.size() != 1) {
                return QueryShape.OTHER;
            }
            filters |= name.equals("FILTER");
            node = children.get(0);
        }
    }
}
