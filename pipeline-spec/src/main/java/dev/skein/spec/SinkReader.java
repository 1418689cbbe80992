package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the {@code sinks:} list. */
final class SinkReader {
    static final List<String> KEYS = List.of("type", "path", "table");
    static final List<String> TYPES = List.of("parquet", "csv", "count", "duckdb");
    private static final List<String> PLANNED_TYPES = List.of("flight");
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final Problems problems;
    private final BaseDirectory baseDirectory;

    SinkReader(Problems problems, BaseDirectory baseDirectory) {
        this.problems = problems;
        this.baseDirectory = baseDirectory;
    }

    /** Reads the value of {@code sinks:}; empty if anything in it is wrong. */
    Optional<List<SinkSpec>> readAll(Node value) {
        Optional<SequenceNode> sequence = YamlValues.list("sinks", value, problems);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        List<SinkSpec> sinks = new ArrayList<>();
        boolean valid = true;
        int number = 1;
        for (Node item : sequence.get().getValue()) {
            Optional<SinkSpec> sink = read(item, "sink #" + number++);
            sink.ifPresent(sinks::add);
            valid &= sink.isPresent();
        }
        return valid ? Optional.of(List.copyOf(sinks)) : Optional.empty();
    }

    private Optional<SinkSpec> read(Node item, String what) {
        if (!(item instanceof MappingNode node)) {
            problems.add(location(item), what + " must be a mapping, got " + describe(item));
            return Optional.empty();
        }
        Location location = location(node);
        YamlMapping sink = new YamlMapping(node, what, location, KEYS, List.of(), problems);
        Optional<String> type = sink.required("type")
                .flatMap(typeValue ->
                        YamlValues.oneOf("type", typeValue, "sink type", "types", TYPES, PLANNED_TYPES, problems));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        String kind = "sink type '" + type.get() + "'";
        if (type.get().equals("count")) {
            sink.rejectKeysOutside(List.of("type"), kind);
            return sink.has("path") ? Optional.empty() : Optional.of(new CountSinkSpec(location));
        }
        if (type.get().equals("duckdb")) {
            sink.rejectKeysOutside(List.of("type", "table"), kind);
            Optional<Node> tableValue = sink.required("table", " of type 'duckdb'");
            Optional<String> table = tableValue.flatMap(tableNode -> YamlValues.nonEmptyString("table", tableNode, problems));
            if (table.isPresent() && !TABLE_NAME.matcher(table.get()).matches()) {
                problems.add(location(tableValue.get()),
                        "table name '" + table.get() + "' must match " + TABLE_NAME.pattern());
                return Optional.empty();
            }
            if (table.isPresent() && table.get().toLowerCase(java.util.Locale.ROOT).startsWith("skein_")) {
                problems.add(location(tableValue.get()), "table name '" + table.get()
                        + "' is reserved: names starting with 'skein_' belong to Skein's sinks (staging tables, undo copies)");
                return Optional.empty();
            }
            return table.map(name -> new DuckDbSinkSpec(name, location));
        }
        sink.rejectKeysOutside(List.of("type", "path"), kind);
        Optional<String> path = sink.required("path", " of type '" + type.get() + "'")
                .flatMap(pathValue -> baseDirectory.resolveWritable(pathValue, problems));
        return path.map(directory -> type.get().equals("parquet")
                ? new ParquetSinkSpec(directory, location)
                : new CsvSinkSpec(directory, location));
    }
}
