package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The directory of the pipeline file, against which relative {@code path:} values are resolved.
 *
 * @param path the directory
 */
record BaseDirectory(Path path) {
    /** {@code s3://}, {@code https://} and the like: DuckDB reads them, they are not local files. */
    private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    BaseDirectory {
        requireNonNull(path, "path is null");
    }

    /** Reads a {@code path:} value and resolves it; reports a problem at the value if it is not a path. */
    Optional<String> resolve(Node value, Problems problems) {
        Optional<String> text = YamlValues.nonEmptyString("path", value, problems);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> resolved = resolve(text.get());
        if (resolved.isEmpty()) {
            problems.add(
                    YamlValues.location(value), "'path' must be a valid path, got " + YamlValues.describe(value));
        }
        return resolved;
    }

    /**
     * The path as an absolute, normalized string; glob characters stay as written, URLs are kept
     * unchanged. Empty if the text is not a valid path on this platform.
     */
    Optional<String> resolve(String text) {
        if (URL.matcher(text).matches()) {
            return Optional.of(text);
        }
        try {
            return Optional.of(path.toAbsolutePath().resolve(text).normalize().toString());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
