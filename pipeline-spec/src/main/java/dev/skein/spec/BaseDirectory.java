package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
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
     * Resolves a sink's target directory like {@link #resolve(Node, Problems)}, and where this node
     * can see it, checks that it can be written: the target, or the nearest part of it that exists
     * inside a data directory, must be a writable directory. A data directory absent here (the
     * data lives on the workers only) is not checked.
     */
    Optional<String> resolveWritable(Node value, Problems problems) {
        Optional<String> resolved = resolve(value, problems);
        if (resolved.isEmpty() || confinement.isEmpty() || URL.matcher(resolved.get()).matches()) {
            return resolved;
        }
        Path existing = Path.of(resolved.get());
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !confinement.get().contains(existing.toString())) {
            return resolved;
        }
        if (!Files.isDirectory(existing)) {
            problems.add(YamlValues.location(value), "sink path '" + resolved.get() + "' cannot be written: '"
                    + existing + "' is a file, not a directory");
            return Optional.empty();
        }
        Optional<String> refused = refusesWrites(existing);
        if (refused.isPresent()) {
            problems.add(YamlValues.location(value), "sink path '" + resolved.get() + "' cannot be written: "
                    + "creating a directory in '" + existing + "' failed (" + refused.get() + ")");
            return Optional.empty();
        }
        return resolved;
    }

    /**
     * Why {@code directory} refuses a new directory, if it does: tried for real and removed again,
     * since permission bits say nothing about root, read-only mounts or {@code /proc}.
     */
    private static Optional<String> refusesWrites(Path directory) {
        try {
            Files.delete(Files.createTempDirectory(directory, ".skein-write-check-"));
            return Optional.empty();
        } catch (AccessDeniedException e) {
            return Optional.of("permission denied");
        } catch (NoSuchFileException e) {
            return Optional.of("no such file or directory");
        } catch (FileSystemException e) {
            return Optional.of(e.getReason() == null ? e.getClass().getSimpleName() : e.getReason());
        } catch (IOException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
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
