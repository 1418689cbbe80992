package dev.skein.coordinator.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Points a query's {@code system.*} and {@code taps."p.stage"} tables at the relations a {@link
 * ClusterQuery} loads, in DuckDB's own parse tree ({@code json_serialize_sql}), never in SQL text.
 * DuckDB has a {@code system} catalog of its own, so {@code system.pipelines} cannot simply be a
 * table of a schema named {@code system}: every reference becomes {@code skein_system_pipelines},
 * aliased to its own table name so that {@code pipelines.name} and DuckDB's messages still read as
 * the user wrote them. Each {@code taps} reference gets its own relation: a tap is read once.
 */
final class TableReferences {
    static final String SYSTEM_PREFIX = "skein_system_";
    static final String TAP_PREFIX = "skein_tap_";

    private final Set<String> systemTables = new LinkedHashSet<>();
    private final List<StageName> taps = new ArrayList<>();

    private TableReferences() {}

    /** Rewrites {@code tree} (one statement's parse tree, changed in place) and says what it reads. */
    static TableReferences rewrite(JsonNode tree) {
        TableReferences references = new TableReferences();
        references.visit(tree);
        return references;
    }

    /** The {@code system} tables the query reads, by name. */
    Set<String> systemTables() {
        return systemTables;
    }

    /** The stages the query taps; the i-th is relation {@code skein_tap_i}. */
    List<StageName> taps() {
        return taps;
    }

    private void visit(JsonNode node) {
        if (node.isObject()) {
            if ("BASE_TABLE".equals(node.path("type").asText()) && node.has("table_name")) {
                rewriteTable((ObjectNode) node);
            }
            node.forEach(this::visit);
        } else if (node.isArray()) {
            node.forEach(this::visit);
        }
    }

    private void rewriteTable(ObjectNode table) {
        String catalog = table.path("catalog_name").asText("");
        String schema = table.path("schema_name").asText("").toLowerCase(Locale.ROOT);
        String name = table.path("table_name").asText();
        if (!catalog.isEmpty() || !(schema.equals("system") || schema.equals("taps"))) {
            return;
        }
        String relation;
        if (schema.equals("system")) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!SystemTables.NAMES.contains(lower)) {
                throw new SkeinException(ErrorCode.NOT_FOUND, "no table system." + name + "; the system tables are "
                        + String.join(", ", SystemTables.NAMES));
            }
            systemTables.add(lower);
            relation = SYSTEM_PREFIX + lower;
        } else {
            taps.add(StageName.parse(name));
            relation = TAP_PREFIX + (taps.size() - 1);
        }
        table.put("schema_name", "");
        table.put("table_name", relation);
        if (table.has("qualified_name")) {
            ArrayNode path = ((ObjectNode) table.get("qualified_name")).putArray("path");
            path.add(relation);
        }
        if (table.path("alias").asText("").isEmpty()) {
            table.put("alias", name);
        }
    }
}
