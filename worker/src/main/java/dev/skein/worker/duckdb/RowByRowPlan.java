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

    /** True only for a chain of projections and filters ending in one Arrow scan. */
    static boolean isRowByRow(String json) {
        JsonNode roots;
        try {
            roots = MAPPER.readTree(json);
        } catch (IOException e) {
            return false;
        }
        if (!roots.isArray() || roots.size() != 1) {
            return false;
        }
        JsonNode node = roots.get(0);
        while (true) {
            String name = node.path("name").asText();
            JsonNode children = node.path("children");
            if (name.startsWith("ARROW_SCAN")) {
                return children.isEmpty();
            }
            if (!ROW_BY_ROW.contains(name) || children.size() != 1) {
                return false;
            }
            node = children.get(0);
        }
    }
}
