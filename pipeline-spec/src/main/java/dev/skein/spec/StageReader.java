package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.time.Duration;
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
    static final List<String> KEYS = List.of("name", "sql", "java", "mode", "parallelism", "partition-by", "timeout");
    static final List<String> MODES =
            Arrays.stream(StageMode.values()).map(StageMode::yamlName).toList();

    private final Problems problems;
    private final SourceText text;
    private final SpecLimits limits;
    private final JavaStageReader javaReader;
    /** The location of the first stage with each name, to report duplicates. */
    private final Map<String, Location> firstByName = new HashMap<>();

    StageReader(Problems problems, SourceText text, SpecLimits limits) {
        this.problems = problems;
        this.limits = limits;
        this.text = text;
        this.javaReader = new JavaStageReader(problems);
    }

    /** Reads the value of {@code stages:}; empty if anything in it is wrong. */
    private List<Optional<StageSpec>> lastRead = List.of();

    Optional<List<StageSpec>> readAll(Node value) {
        Optional<SequenceNode> sequence = YamlValues.list("stages", value, problems);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        if (sequence.get().getValue().isEmpty()) {
            problems.add(location(value), "'stages' must list at least one stage");
            return Optional.empty();
        }
        int count = sequence.get().getValue().size();
        if (count > limits.maxStages()) {
            // not read one by one: a huge list would only repeat problems and hold the submit up
            problems.add(location(value), "'stages' lists " + count + " stages, more than the limit of "
                    + limits.maxStages());
            return Optional.empty();
        }
        List<StageSpec> stages = new ArrayList<>();
        boolean valid = true;
        int number = 1;
        List<Optional<StageSpec>> each = new ArrayList<>();
        for (Node item : sequence.get().getValue()) {
            Optional<StageSpec> stage = read(item, number++);
            each.add(stage);
            stage.ifPresent(stages::add);
            valid &= stage.isPresent();
        }
        lastRead = List.copyOf(each);
        return valid ? Optional.of(List.copyOf(stages)) : Optional.empty();
    }

    /** Every stage of the last {@link #readAll}, in order, empty where that stage has a problem. */
    List<Optional<StageSpec>> lastRead() {
        return lastRead;
    }

    private Optional<StageSpec> read(Node item, int number) {
        if (!(item instanceof MappingNode node)) {
            problems.add(location(item), "stage #" + number + " must be a mapping, got " + describe(item));
            return Optional.empty();
        }
        Location location = location(node);
        String what = writtenName(node).map(name -> "stage '" + name + "'").orElse("stage #" + number);
        YamlMapping stage = new YamlMapping(node, what, location, KEYS, List.of(), problems);
        Optional<String> name = stage.required("name")
                .flatMap(nameValue -> YamlValues.name("name", nameValue, "stage name", problems))
                .filter(unique -> isFirst(unique, location, stage.value("name").orElseThrow()));
        Optional<TransformSpec> transform = transform(stage, what, location);
        Optional<Integer> parallelism = stage.value("parallelism")
                .map(count -> isAuto(count) ? Optional.of(StageSpec.AUTO) : YamlValues.positiveInt(
                        "parallelism", count, problems, " or auto").filter(tasks -> {
                    if (tasks <= limits.maxParallelism()) {
                        return true;
                    }
                    problems.add(location(count), "'parallelism' must be at most " + limits.maxParallelism()
                            + ", got " + tasks);
                    return false;
                }))
                .orElse(Optional.of(1));
        Optional<List<String>> partitionBy = stage.value("partition-by")
                .map(columns -> YamlValues.names("partition-by", columns, problems))
                .orElse(Optional.of(List.of()));
        Optional<Optional<Duration>> timeout = stage.value("timeout").map(this::timeout).orElse(Optional.of(Optional.empty()));
        if (name.isEmpty() || transform.isEmpty() || parallelism.isEmpty() || partitionBy.isEmpty() || timeout.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new StageSpec(
                name.get(), location, transform.get(), parallelism.get(), partitionBy.get(), timeout.get()));
    }

    private static boolean isAuto(Node value) {
        return value instanceof ScalarNode scalar && "auto".equals(scalar.getValue());
    }

    /** The stage's {@code sql:} (with its {@code mode:}) or its {@code java:}: exactly one of them. */
    private Optional<TransformSpec> transform(YamlMapping stage, String what, Location location) {
        Optional<Location> sqlKey = stage.keyLocation("sql");
        Optional<Location> javaKey = stage.keyLocation("java");
        if (sqlKey.isPresent() && javaKey.isPresent()) {
            problems.add(javaKey.get(), what + " has both 'sql' and 'java'; a stage runs one of them");
            return Optional.empty();
        }
        if (javaKey.isPresent()) {
            stage.keyLocation("mode")
                    .ifPresent(modeKey -> problems.add(
                            modeKey,
                            "key 'mode' does not apply to java stages; a java transform emits at end of input"
                                    + " from finish()"));
            return javaReader
                    .read(stage.value("java").orElseThrow(), what)
                    .filter(java -> stage.keyLocation("mode").isEmpty())
                    .map(TransformSpec.class::cast);
        }
        Optional<StageMode> mode = stage.value("mode")
                .map(modeValue -> YamlValues.oneOf("mode", modeValue, "stage mode", "modes", MODES, List.of(), problems)
                        .map(StageReader::mode))
                .orElse(Optional.of(StageMode.PER_BATCH));
        if (sqlKey.isEmpty()) {
            problems.add(location, what + " is missing required key 'sql' or 'java'");
            return Optional.empty();
        }
        Node sqlValue = stage.value("sql").orElseThrow();
        Optional<String> sql = YamlValues.nonEmptyString("sql", sqlValue, problems);
        if (sql.isEmpty() || mode.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SqlTransformSpec(sql.get(), text.contentStart((ScalarNode) sqlValue), mode.get()));
    }

    /** A positive duration; empty (a problem added) otherwise. */
    private Optional<Optional<Duration>> timeout(Node value) {
        Optional<Duration> timeout = YamlValues.duration("timeout", value, "30s, 500ms or 10m", problems);
        if (timeout.filter(Duration::isZero).isPresent()) {
            problems.add(location(value), "'timeout' must be longer than 0, got " + describe(value));
            return Optional.empty();
        }
        return timeout.map(Optional::of);
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
