package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns a Java stage's {@code config:} mapping into plain values: {@code String}, {@code Long},
 * {@code Double}, {@code Boolean}, lists and ordered maps. Numbers and booleans are read the way
 * YAML resolves them (SnakeYAML's own constructors); every other scalar, timestamps included, stays
 * the text as written. Empty values, non-string keys, duplicate keys and integers beyond a {@code
 * long} are problems at their position.
 */
final class ConfigValues {
    private final Problems problems;
    private final ScalarConstructor scalars = new ScalarConstructor();

    ConfigValues(Problems problems) {
        this.problems = problems;
    }

    /** The mapping's entries in order, or empty after reporting every problem in it. */
    Optional<Map<String, Object>> read(Node value) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(location(value), "'config' must be a mapping, got " + describe(value));
            return Optional.empty();
        }
        return mapping(mapping, "config");
    }

    private Optional<Map<String, Object>> mapping(MappingNode node, String path) {
        Map<String, Object> entries = new LinkedHashMap<>();
        Map<String, Location> keyLocations = new LinkedHashMap<>();
        boolean valid = true;
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key) || YamlValues.isNull(keyNode)) {
                problems.add(location(keyNode), "keys in '" + path + "' must be strings, got " + describe(keyNode));
                valid = false;
                continue;
            }
            Location first = keyLocations.putIfAbsent(key.getValue(), location(keyNode));
            if (first != null) {
                problems.add(
                        location(keyNode),
                        "duplicate key '" + key.getValue() + "' in '" + path + "' (first defined at " + first + ")");
                valid = false;
                continue;
            }
            Optional<Object> item = value(tuple.getValueNode(), path + "." + key.getValue());
            item.ifPresent(present -> entries.put(key.getValue(), present));
            valid &= item.isPresent();
        }
        return valid ? Optional.of(entries) : Optional.empty();
    }

    private Optional<Object> value(Node node, String path) {
        if (node instanceof MappingNode mapping) {
            return mapping(mapping, path).map(map -> map);
        }
        if (node instanceof SequenceNode sequence) {
            List<Object> items = new ArrayList<>();
            boolean valid = true;
            int index = 0;
            for (Node itemNode : sequence.getValue()) {
                Optional<Object> item = value(itemNode, path + "[" + index++ + "]");
                item.ifPresent(items::add);
                valid &= item.isPresent();
            }
            return valid ? Optional.of(items) : Optional.empty();
        }
        if (YamlValues.isNull(node)) {
            problems.add(location(node), "'" + path + "' must not be empty; quote it ('') for an empty string");
            return Optional.empty();
        }
        return scalar((ScalarNode) node, path);
    }

    private Optional<Object> scalar(ScalarNode node, String path) {
        Tag tag = node.getTag();
        if (Tag.BOOL.equals(tag) || Tag.FLOAT.equals(tag)) {
            Object value = scalars.construct(node);
            return Optional.of(value instanceof Number number ? (Object) number.doubleValue() : value);
        }
        if (Tag.INT.equals(tag)) {
            Object value = scalars.construct(node);
            if (value instanceof BigInteger) {
                problems.add(
                        location(node),
                        "'" + path + "' must be at most " + Long.MAX_VALUE + " and at least " + Long.MIN_VALUE
                                + ", got " + describe(node));
                return Optional.empty();
            }
            return Optional.of(((Number) value).longValue());
        }
        return Optional.of(node.getValue());
    }

    /** SnakeYAML's safe constructors, for one scalar at a time. */
    private static final class ScalarConstructor extends SafeConstructor {
        ScalarConstructor() {
            super(new LoaderOptions());
        }

        Object construct(ScalarNode node) {
            return constructObject(node);
        }
    }
}
