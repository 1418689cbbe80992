package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the {@code stages:} list. */
final class StageReader {
    static final List<String> KEYS = List.of("name", "sql", "mode", "parallelism", "partition-by");
    static final List<String> MODES =
            Arrays.stream(StageMode.values()).map(StageMode::yamlName).toList();

    private final Problems problems;
    private final SourceText text;
    /** The location of the first stage with each name, to report duplicates. */
    private final Map<String, Location> firstByName = new HashMap<>();

    StageReader(Problems problems, SourceText text) {
        this.problems = problems;
        this.text = text;
    }

    /** Reads the value of {@code stages:}; empty if anything in it is wrong. */
    Optional<List<StageSpec>> readAll(Node value) {
        Optional<SequenceNode> sequence = YamlValues.list("stages", value, problems);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        if (sequence.get().getValue().isEmpty()) {
            problems.add(location(value), "'stages' must list at least one stage");
            return Optional.empty();
        }
        List<StageSpec> stages = new ArrayList<>();
        boolean valid = true;
        int number = 1;
        for (Node item : sequence.get().getValue()) {
            Optional<StageSpec> stage = read(item, number++);
            stage.ifPresent(stages::add);
            valid &= stage.isPresent();
        }
        return valid ? Optional.of(List.copyOf(stages)) : Optional.empty();
    }

    private Optional<StageSpec> read(Node item, int number) {
        if (!(item instanceof MappingNode node)) {
            problems.add(location(item), "stage #" + number + " must be a mapping, got " + describe(item));
            return Optional.empty();
        }
        Location location = location(node);
        String what = writtenName(node).map(name -> "stage '" + name + "'").orElse("stage #" + number);
        YamlMapping stage = new YamlMapping(node, what, location, KEYS, List.of("java"), problems);
        Optional<String> name = stage.required("name")
                .flatMap(nameValue -> YamlValues.name("name", nameValue, "stage name", problems))
                .filter(unique -> isFirst(unique, location, stage.value("name").orElseThrow()));
        Optional<Location> java = stage.keyLocation("java");
        java.ifPresent(javaKey -> problems.add(javaKey, "java stages are not supported yet"));
        Optional<Node> sqlValue = java.isPresent() ? stage.value("sql") : stage.required("sql");
        Optional<String> sql = sqlValue.flatMap(sqlNode -> YamlValues.nonEmptyString("sql", sqlNode, problems));
        Optional<StageMode> mode = stage.value("mode")
                .map(modeValue -> YamlValues.oneOf("mode", modeValue, "stage mode", "modes", MODES, List.of(), problems)
                        .map(StageReader::mode))
                .orElse(Optional.of(StageMode.PER_BATCH));
        Optional<Integer> parallelism = stage.value("parallelism")
                .map(count -> YamlValues.positiveInt("parallelism", count, problems))
                .orElse(Optional.of(1));
        Optional<List<String>> partitionBy = stage.value("partition-by")
                .map(columns -> YamlValues.names("partition-by", columns, problems))
                .orElse(Optional.of(List.of()));
        if (name.isEmpty()
                || java.isPresent()
                || sql.isEmpty()
                || mode.isEmpty()
                || parallelism.isEmpty()
                || partitionBy.isEmpty()) {
            return Optional.empty();
        }
        Location sqlLocation = text.contentStart((ScalarNode) sqlValue.orElseThrow());
        return Optional.of(new StageSpec(
                name.get(),
                location,
                new SqlTransformSpec(sql.get(), sqlLocation, mode.get()),
                parallelism.get(),
                partitionBy.get()));
    }

    private boolean isFirst(String name, Location location, Node nameValue) {
        Location first = firstByName.putIfAbsent(name, location);
        if (first == null) {
            return true;
        }
        problems.add(location(nameValue), "duplicate stage name '" + name + "' (first defined at " + first + ")");
        return false;
    }

    /** The stage's name as written, to name the stage in messages even when the name is invalid. */
    private static Optional<String> writtenName(MappingNode node) {
        for (NodeTuple tuple : node.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key
                    && key.getValue().equals("name")
                    && tuple.getValueNode() instanceof ScalarNode value
                    && !YamlValues.isNull(value)
                    && !value.getValue().isBlank()) {
                return Optional.of(value.getValue());
            }
        }
        return Optional.empty();
    }

    private static StageMode mode(String yamlName) {
        return Arrays.stream(StageMode.values())
                .filter(mode -> mode.yamlName().equals(yamlName))
                .findFirst()
                .orElseThrow();
    }
}
