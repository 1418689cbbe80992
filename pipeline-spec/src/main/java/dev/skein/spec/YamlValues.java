package dev.skein.spec;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads typed values out of YAML nodes. Each reader either returns the value or reports one problem
 * at the value and returns empty; none of them throws.
 */
final class YamlValues {
    private static final Pattern DIGITS = Pattern.compile("[0-9]+(_[0-9]+)*");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");
    private static final int MAX_QUOTED_LENGTH = 40;

    private YamlValues() {}

    /** Where a node starts, 1-based. */
    static Location location(Node node) {
        Mark mark = node.getStartMark();
        return new Location(mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** True for an explicit or implicit YAML null ({@code key:}, {@code ~}, {@code null}). */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** How a value is shown in a message: {@code 'text'}, {@code a list}, {@code an empty value}. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "an empty value";
        }
        String text = visible(((ScalarNode) node).getValue());
        int newline = text.indexOf('\n');
        if (newline >= 0 || text.length() > MAX_QUOTED_LENGTH) {
            int end = Math.min(newline >= 0 ? newline : text.length(), MAX_QUOTED_LENGTH);
            return "'" + text.substring(0, end) + "...'";
        }
        return "'" + text + "'";
    }

    /** The text with control characters other than newline shown as {@code \\uXXXX}. */
    private static String visible(String text) {
        StringBuilder visible = new StringBuilder(text.length());
        text.chars().forEach(c -> {
            if (Character.isISOControl(c) && c != '\n') {
                visible.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                visible.append((char) c);
            }
        });
        return visible.toString();
    }

    /** Any non-null scalar, as written. */
    static Optional<String> string(String key, Node value, Problems problems) {
        if (value instanceof ScalarNode scalar && !isNull(scalar)) {
            return Optional.of(scalar.getValue());
        }
        problems.add(location(value), "'" + key + "' must be a string, got " + describe(value));
        return Optional.empty();
    }

    /** A scalar that is not empty or blank. */
    static Optional<String> nonEmptyString(String key, Node value, Problems problems) {
        if (value instanceof ScalarNode scalar && !isNull(scalar) && !scalar.getValue().isBlank()) {
            return Optional.of(scalar.getValue());
        }
        problems.add(location(value), "'" + key + "' must be a non-empty string, got " + describe(value));
        return Optional.empty();
    }

    /**
     * A duration written as a whole number with {@code ms}, {@code s} or {@code m} ({@code 500ms},
     * {@code 30s}, {@code 2m}); {@code example} completes the message of anything else.
     */
    static Optional<Duration> duration(String key, Node value, String example, Problems problems) {
        if (value instanceof ScalarNode scalar) {
            Matcher matcher = DURATION.matcher(scalar.getValue());
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return Optional.of(switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    default -> Duration.ofMinutes(amount);
                });
            }
        }
        problems.add(location(value), "'" + key + "' must be a duration such as " + example + ", got " + describe(value));
        return Optional.empty();
    }

    /** A whole number from 1 to {@link Integer#MAX_VALUE}; digits may be grouped with {@code _}. */
    static Optional<Integer> positiveInt(String key, Node value, Problems problems) {
        return positiveInt(key, value, problems, "");
    }

    /** As above; {@code alternative} (e.g. {@code " or auto"}) is named in the problem. */
    static Optional<Integer> positiveInt(String key, Node value, Problems problems, String alternative) {
        if (value instanceof ScalarNode scalar && DIGITS.matcher(scalar.getValue()).matches()) {
            String digits = scalar.getValue().replace("_", "").replaceFirst("^0+(?=.)", "");
            if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
                problems.add(
                        location(value),
                        "'" + key + "' must be at most " + Integer.MAX_VALUE + ", got " + describe(value));
                return Optional.empty();
            }
            int number = Integer.parseInt(digits);
            if (number > 0) {
                return Optional.of(number);
            }
        }
        problems.add(location(value),
                "'" + key + "' must be a positive integer" + alternative + ", got " + describe(value));
        return Optional.empty();
    }

    /** A list node; its items are not checked. */
    static Optional<SequenceNode> list(String key, Node value, Problems problems) {
        if (value instanceof SequenceNode sequence) {
            return Optional.of(sequence);
        }
        problems.add(location(value), "'" + key + "' must be a list, got " + describe(value));
        return Optional.empty();
    }

    /** A list of distinct, non-empty names, such as column names. */
    static Optional<List<String>> names(String key, Node value, Problems problems) {
        Optional<SequenceNode> sequence = list(key, value, problems);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        boolean valid = true;
        Set<String> names = new LinkedHashSet<>();
        for (Node item : sequence.get().getValue()) {
            if (!(item instanceof ScalarNode scalar) || isNull(item) || scalar.getValue().isBlank()) {
                problems.add(location(item), "'" + key + "' entries must be non-empty strings, got " + describe(item));
                valid = false;
            } else if (!names.add(scalar.getValue())) {
                problems.add(location(item), "duplicate entry '" + scalar.getValue() + "' in '" + key + "'");
                valid = false;
            }
        }
        return valid ? Optional.of(List.copyOf(names)) : Optional.empty();
    }

    /**
     * One of a fixed set of words, such as a source type. Reports {@code <noun> 'x' is not supported
     * yet} for a planned word and {@code unknown <noun> 'x'} with a hint for any other.
     *
     * @param noun the kind of word, for messages: {@code source type}, {@code stage mode}
     * @param validWhat the plural used when listing the valid words: {@code types}, {@code modes}
     */
    static Optional<String> oneOf(
            String key,
            Node value,
            String noun,
            String validWhat,
            List<String> valid,
            List<String> planned,
            Problems problems) {
        Optional<String> word = string(key, value, problems);
        if (word.isEmpty() || valid.contains(word.get())) {
            return word;
        }
        if (planned.contains(word.get())) {
            problems.add(location(value), noun + " '" + word.get() + "' is not supported yet");
        } else {
            problems.add(
                    location(value),
                    "unknown " + noun + " '" + word.get() + "'" + Suggestions.hint(word.get(), valid, validWhat));
        }
        return Optional.empty();
    }

    /**
     * A pipeline or stage name matching {@link SpecParser#NAME_PATTERN}.
     *
     * @param noun the kind of name, for messages: {@code pipeline name}, {@code stage name}
     */
    static Optional<String> name(String key, Node value, String noun, Problems problems) {
        Optional<String> name = string(key, value, problems);
        if (name.isEmpty() || SpecParser.NAME_PATTERN.matcher(name.get()).matches()) {
            return name;
        }
        problems.add(location(value), noun + " " + describe(value) + " must match " + SpecParser.NAME_PATTERN);
        return Optional.empty();
    }
}
