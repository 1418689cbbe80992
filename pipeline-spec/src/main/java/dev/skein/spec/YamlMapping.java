package dev.skein.spec;

import static dev.skein.spec.YamlValues.describe;
import static dev.skein.spec.YamlValues.location;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One YAML mapping of the pipeline file (the top level, the source, a stage, a sink) with its keys
 * checked: creating it reports unknown keys (with a suggestion), duplicate keys and non-string keys.
 */
final class YamlMapping {
    private final String what;
    private final Location location;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    /**
     * @param node the mapping
     * @param what the object, for messages: {@code pipeline}, {@code source}, {@code stage 'enrich'}
     * @param location where problems about the whole mapping (missing keys) are reported
     * @param validKeys the keys accepted and listed in messages, in the order they are listed
     * @param hiddenKeys keys accepted here but neither listed nor suggested; the caller handles them
     * @param problems where problems go
     */
    YamlMapping(
            MappingNode node,
            String what,
            Location location,
            List<String> validKeys,
            List<String> hiddenKeys,
            Problems problems) {
        this.what = what;
        this.location = location;
        this.problems = problems;
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar) || YamlValues.isNull(keyNode)) {
                problems.add(location(keyNode), "keys in " + what + " must be strings, got " + describe(keyNode));
                continue;
            }
            String key = scalar.getValue();
            NodeTuple first = entries.get(key);
            if (first != null) {
                problems.add(
                        location(keyNode),
                        "duplicate key '" + key + "' in " + what + " (first defined at "
                                + location(first.getKeyNode()) + ")");
            } else if (validKeys.contains(key) || hiddenKeys.contains(key)) {
                entries.put(key, tuple);
            } else {
                problems.add(
                        location(keyNode),
                        "unknown key '" + key + "' in " + what + Suggestions.hint(key, validKeys, "keys"));
            }
        }
    }

    /** True if the key is present (and valid). */
    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value of a valid key, if present. */
    Optional<Node> value(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    /** Where a present key is written. */
    Optional<Location> keyLocation(String key) {
        return Optional.ofNullable(entries.get(key)).map(tuple -> location(tuple.getKeyNode()));
    }

    /** The value of a required key; reports {@code <what> is missing required key 'key'} if absent. */
    Optional<Node> required(String key) {
        return required(key, "");
    }

    /**
     * The value of a required key; if absent reports {@code <what><qualifier> is missing required
     * key 'key'}, for example with the qualifier {@code " of type 'parquet'"}.
     */
    Optional<Node> required(String key, String qualifier) {
        Optional<Node> value = value(key);
        if (value.isEmpty()) {
            problems.add(location, what + qualifier + " is missing required key '" + key + "'");
        }
        return value;
    }

    /**
     * Reports each present key outside {@code applicable}: {@code key 'path' does not apply to
     * <kind>; valid keys: ...}.
     */
    void rejectKeysOutside(List<String> applicable, String kind) {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!applicable.contains(entry.getKey())) {
                problems.add(
                        location(entry.getValue().getKeyNode()),
                        "key '" + entry.getKey() + "' does not apply to " + kind + "; valid keys: "
                                + String.join(", ", applicable));
            }
        }
    }
}
