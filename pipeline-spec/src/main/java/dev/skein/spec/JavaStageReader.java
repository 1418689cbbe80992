package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads a stage's {@code java:} value: a class name, or a mapping with {@code class} and {@code config}. */
final class JavaStageReader {
    static final List<String> KEYS = List.of("class", "config");

    /** A binary class name: identifiers separated by dots, {@code $} allowed for nested classes. */
    static final Pattern CLASS_NAME =
            Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
                    + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    private final Problems problems;
    private final ConfigValues configValues;

    JavaStageReader(Problems problems) {
        this.problems = problems;
        this.configValues = new ConfigValues(problems);
    }

    /**
     * @param value the value of {@code java:}
     * @param stage the stage, for messages: {@code stage 'enrich'}
     */
    Optional<JavaTransformSpec> read(Node value, String stage) {
        if (value instanceof ScalarNode && !YamlValues.isNull(value)) {
            return className(value).map(name -> new JavaTransformSpec(name, location(value), Map.of(), location(value)));
        }
        if (!(value instanceof MappingNode node)) {
            problems.add(
                    location(value),
                    "'java' must be a class name or a mapping with 'class' and 'config', got " + describe(value));
            return Optional.empty();
        }
        YamlMapping java = new YamlMapping(node, "java of " + stage, location(node), KEYS, List.of(), problems);
        Optional<Node> classValue = java.required("class");
        Optional<String> className = classValue.flatMap(this::className);
        Optional<Map<String, Object>> config =
                java.value("config").map(configValues::read).orElse(Optional.of(Map.of()));
        if (className.isEmpty() || config.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new JavaTransformSpec(className.get(), location(classValue.get()), config.get(), location(node)));
    }

    private Optional<String> className(Node value) {
        Optional<String> name = YamlValues.string("class", value, problems);
        if (name.isEmpty() || CLASS_NAME.matcher(name.get()).matches()) {
            return name;
        }
        problems.add(
                location(value),
                "'class' must be a Java class name such as com.example.Enrich, got " + describe(value));
        return Optional.empty();
    }
}
