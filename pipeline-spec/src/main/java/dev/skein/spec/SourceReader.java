package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the {@code source:} mapping. */
final class SourceReader {
    static final List<String> KEYS = List.of("type", "sql", "path", "batch-rows");
    static final List<String> TYPES = List.of("generate", "parquet", "csv");
    private static final List<String> PLANNED_TYPES = List.of("flight", "ingest");
    private static final List<String> GENERATE_KEYS = List.of("type", "sql", "batch-rows");
    private static final List<String> FILE_KEYS = List.of("type", "path", "batch-rows");

    private final Problems problems;
    private final SourceText text;
    private final BaseDirectory baseDirectory;

    SourceReader(Problems problems, SourceText text, BaseDirectory baseDirectory) {
        this.problems = problems;
        this.text = text;
        this.baseDirectory = baseDirectory;
    }

    /**
     * @param location where the {@code source:} key is
     * @param value the value of that key
     */
    Optional<SourceSpec> read(Location location, Node value) {
        if (!(value instanceof MappingNode node)) {
            problems.add(location(value), "'source' must be a mapping, got " + describe(value));
            return Optional.empty();
        }
        YamlMapping source = new YamlMapping(node, "source", location, KEYS, List.of(), problems);
        Optional<Integer> batchRows = source.value("batch-rows")
                .map(rows -> YamlValues.positiveInt("batch-rows", rows, problems))
                .orElse(Optional.of(SourceSpec.DEFAULT_BATCH_ROWS));
        Optional<String> type = source.required("type")
                .flatMap(typeValue ->
                        YamlValues.oneOf("type", typeValue, "source type", "types", TYPES, PLANNED_TYPES, problems));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        String qualifier = " of type '" + type.get() + "'";
        String kind = "source type '" + type.get() + "'";
        if (type.get().equals("generate")) {
            source.rejectKeysOutside(GENERATE_KEYS, kind);
            Optional<Node> sqlValue = source.required("sql", qualifier);
            Optional<String> sql = sqlValue.flatMap(sqlNode -> YamlValues.nonEmptyString("sql", sqlNode, problems));
            if (sql.isEmpty() || batchRows.isEmpty()) {
                return Optional.empty();
            }
            Location sqlLocation = text.contentStart((ScalarNode) sqlValue.get());
            return Optional.of(new GenerateSourceSpec(sql.get(), sqlLocation, batchRows.get(), location));
        }
        source.rejectKeysOutside(FILE_KEYS, kind);
        Optional<Node> pathValue = source.required("path", qualifier);
        Optional<String> path = pathValue.flatMap(pathNode -> baseDirectory.resolve(pathNode, problems));
        if (path.isEmpty() || batchRows.isEmpty()) {
            return Optional.empty();
        }
        Location pathLocation = location(pathValue.get());
        return Optional.of(
                type.get().equals("parquet")
                        ? new ParquetSourceSpec(path.get(), pathLocation, batchRows.get(), location)
                        : new CsvSourceSpec(path.get(), pathLocation, batchRows.get(), location));
    }
}
