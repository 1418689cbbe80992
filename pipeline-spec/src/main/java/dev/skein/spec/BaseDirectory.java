package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The directory against which relative {@code path:} values are resolved, and where resolved
 * paths must lie.
 *
 * @param path the directory
 * @param confinement the data roots every path must lie inside; empty where any path goes (a
 *     worker re-reading a plan the coordinator checked, {@code skein validate})
 */
record BaseDirectory(Path path, Optional<DataRoots> confinement) {
    /** {@code s3://}, {@code https://} and the like: DuckDB reads them, they are not local files. */
    private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    BaseDirectory {
        requireNonNull(path, "path is null");
        requireNonNull(confinement, "confinement is null");
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
            return resolved;
        }
        if (confinement.isPresent() && !confinement.get().contains(resolved.get())) {
            problems.add(YamlValues.location(value), "path '" + resolved.get()
                    + "' is outside the data directories (" + confinement.get().describe() + ")");
            return Optional.empty();
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
