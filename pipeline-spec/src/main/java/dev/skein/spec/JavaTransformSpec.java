package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java class implementing {@code dev.skein.spi.BatchTransform}, written in YAML as
 * {@code java: {class: com.example.Enrich, config: {...}}} or, without config, {@code java:
 * com.example.Enrich}.
 *
 * @param className the class's binary name, e.g. {@code com.example.Enrich}
 * @param classLocation where the class name is written
 * @param config the {@code config:} mapping as written, in order, immutable; values are {@code
 *     String}, {@code Long}, {@code Double}, {@code Boolean}, {@code List<Object>} or {@code
 *     Map<String, Object>} (never null); empty without {@code config:}
 * @param location where the {@code java:} value starts
 */
public record JavaTransformSpec(String className, Location classLocation, Map<String, Object> config, Location location)
        implements TransformSpec {
    /** Checks that no component is null; copies the config deeply into immutable, ordered collections. */
    public JavaTransformSpec {
        requireNonNull(className, "className is null");
        requireNonNull(classLocation, "classLocation is null");
        requireNonNull(location, "location is null");
        config = immutableMap(requireNonNull(config, "config is null"));
    }

    private static Map<String, Object> immutableMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(
                requireNonNull(key, "config key is null").toString(),
                immutableValue(requireNonNull(value, () -> "config value of '" + key + "' is null"))));
        return Collections.unmodifiableMap(copy);
    }

    private static Object immutableValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return immutableMap(map);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> immutableValue(requireNonNull(item, "config list item is null"))).toList();
        }
        return value;
    }
}
