package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the {@code sinks:} list. */
final class SinkReader {
    static final List<String> KEYS = List.of("type", "path");
    static final List<String> TYPES = List.of("parquet", "csv", "count");
    private static final List<String> PLANNED_TYPES = List.of("duckdb", "flight");

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
        Optional<String> path = sink.required("path", " of type '" + type.get() + "'")
                .flatMap(pathValue -> baseDirectory.resolve(pathValue, problems));
        return path.map(directory -> type.get().equals("parquet")
                ? new ParquetSinkSpec(directory, location)
                : new CsvSinkSpec(directory, location));
    }
}
