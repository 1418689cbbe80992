package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the {@code source:} mapping. */
final class SourceReader {
    static final List<String> KEYS = List.of("type", "sql", "path", "schema", "batch-rows");
    static final List<String> TYPES = List.of("generate", "parquet", "csv", "ingest");
    private static final List<String> PLANNED_TYPES = List.of("flight");
    private static final List<String> INGEST_KEYS = List.of("type", "schema", "batch-rows");
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

    /** {@code schema:} of an ingest source: a mapping of column name to DuckDB type, in order. */
    private Optional<List<IngestSourceSpec.ColumnSpec>> columns(Node value) {
        if (!(value instanceof MappingNode mapping) || mapping.getValue().isEmpty()) {
            problems.add(location(value), "'schema' must map column names to DuckDB types, got " + describe(value));
            return Optional.empty();
        }
        List<IngestSourceSpec.ColumnSpec> columns = new ArrayList<>();
        boolean valid = true;
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> name = YamlValues.nonEmptyString("schema", tuple.getKeyNode(), problems);
            Optional<String> type = YamlValues.nonEmptyString(name.orElse("schema"), tuple.getValueNode(), problems);
            if (name.isPresent() && type.isPresent()) {
                columns.add(new IngestSourceSpec.ColumnSpec(name.get(), type.get(), location(tuple.getKeyNode())));
            } else {
                valid = false;
            }
        }
        return valid ? Optional.of(List.copyOf(columns)) : Optional.empty();
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
        if (type.get().equals("ingest")) {
            source.rejectKeysOutside(INGEST_KEYS, kind);
            Optional<List<IngestSourceSpec.ColumnSpec>> columns =
                    source.required("schema", qualifier).flatMap(this::columns);
            if (columns.isEmpty() || batchRows.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new IngestSourceSpec(columns.get(), batchRows.get(), location));
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
