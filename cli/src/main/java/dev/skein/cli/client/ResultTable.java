package dev.skein.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cluster.values.ArrowValues;
import java.util.ArrayList;
import java.util.List;

/** Renders a result preview ({@code columns}, {@code rows}) as an aligned text table. */
final class ResultTable {
    private ResultTable() {}

    static String render(JsonNode result) {
        List<String> columns = new ArrayList<>();
        result.path("columns").forEach(column -> columns.add(column.asText()));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : result.path("rows")) {
            List<String> values = new ArrayList<>();
            row.forEach(value -> values.add(ArrowValues.text(value, "NULL")));
            rows.add(values);
        }
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("result (first ").append(rows.size()).append(" rows):").append(System.lineSeparator());
        appendRow(out, columns, widths);
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        appendRow(out, rule, widths);
        for (List<String> row : rows) {
            appendRow(out, row, widths);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> values, int[] widths) {
        for (int c = 0; c < values.size(); c++) {
            out.append(c == 0 ? "" : " | ").append(String.format("%-" + widths[c] + "s", values.get(c)));
        }
        out.append(System.lineSeparator());
    }
}
