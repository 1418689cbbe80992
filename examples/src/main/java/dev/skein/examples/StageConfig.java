package dev.skein.examples;

import java.util.Map;

/** Reads typed values out of a stage's {@code config:} map, with messages that name the key. */
final class StageConfig {
    private StageConfig() {}

    /** A string value, or {@code fallback} when the key is absent. */
    static String string(Map<String, Object> config, String key, String fallback) {
        Object value = config.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("config '" + key + "' must be a non-empty string, got " + value);
        }
        return text;
    }

    /** A string value that must be given. */
    static String requiredString(Map<String, Object> config, String key) {
        if (!config.containsKey(key)) {
            throw new IllegalArgumentException("config '" + key + "' is required");
        }
        return string(config, key, "");
    }

    /** A whole number from 1 to {@link Integer#MAX_VALUE}, or {@code fallback} when the key is absent. */
    static int positiveInt(Map<String, Object> config, String key, int fallback) {
        Object value = config.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long number) || number < 1 || number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("config '" + key + "' must be a positive integer, got " + value);
        }
        return number.intValue();
    }
}
