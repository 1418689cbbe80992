package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The directories a cluster's pipelines may read and write files in ({@code --data-dir} on the
 * coordinator and every worker). A path is inside a root when, made absolute and normalized
 * ({@code ..} removed), it is the root or lies below it, compared name by name ({@code /data2} is
 * not inside {@code /data}). Symbolic links are not followed: a link inside a root that points out
 * of it lets pipelines through, so keep none there.
 *
 * <p>Immutable and thread-safe.
 *
 * @param directories absolute and normalized, without duplicates, in the order given; empty
 *     allows no file at all
 */
public record DataRoots(List<Path> directories) {
    /** Makes every directory absolute and normalized and drops duplicates, keeping the first. */
    public DataRoots {
        requireNonNull(directories, "directories is null");
        directories = directories.stream()
                .map(directory -> directory.toAbsolutePath().normalize())
                .distinct()
                .toList();
    }

    /** Roots that allow no file. */
    public static DataRoots none() {
        return new DataRoots(List.of());
    }

    /** The given directories as roots, in order. */
    public static DataRoots of(List<Path> directories) {
        return new DataRoots(directories);
    }

    /** Whether {@code path} (absolute, or relative to the working directory) is inside a root. */
    public boolean contains(Path path) {
        Path normalized = path.toAbsolutePath().normalize();
        return directories.stream().anyMatch(normalized::startsWith);
    }

    /**
     * Whether {@code path}, as written in a spec after resolution, is a local path inside a root;
     * false for URLs and for text that is no path on this platform.
     */
    public boolean contains(String path) {
        if (path.contains("://")) {
            return false;
        }
        try {
            return contains(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** The first root: where relative paths resolve unless the submitter names another directory inside a root. */
    public Optional<Path> first() {
        return directories.stream().findFirst();
    }

    /**
     * Each root with a trailing separator, as DuckDB's {@code allowed_directories} wants them (it
     * compares prefixes, so without the separator {@code /data} would also allow {@code /data2}).
     */
    public List<String> prefixes() {
        return directories.stream()
                .map(directory -> directory.toString().endsWith(File.separator)
                        ? directory.toString()
                        : directory + File.separator)
                .toList();
    }

    /**
     * The DuckDB statements that shut a database in before user SQL runs in it, in order: files
     * only below these roots ({@code allowed_directories}, which DuckDB honours for reads, globs
     * and {@code COPY} once external access is off), no network, no extension installed or
     * auto-loaded, and the configuration locked so that SQL cannot undo any of it. The settings are
     * database-wide: connections duplicated afterwards are confined too. The workers' DuckDB and
     * the coordinator's binder both run these, so a path refused on submit is refused at run time.
     */
    public List<String> duckDbConfinement() {
        List<String> statements = new ArrayList<>();
        if (!directories.isEmpty()) {
            // allowed_directories can be set only while external access is still on
            statements.add(prefixes().stream()
                    .map(prefix -> "'" + prefix.replace("'", "''") + "'")
                    .collect(Collectors.joining(", ", "SET allowed_directories = [", "]")));
        }
        statements.add("SET enable_external_access = false");
        statements.add("SET autoinstall_known_extensions = false");
        statements.add("SET autoload_known_extensions = false");
        statements.add("SET lock_configuration = true");
        return List.copyOf(statements);
    }

    /** For messages: {@code /srv/a, /srv/b}, or a hint when there is none. */
    public String describe() {
        return directories.isEmpty()
                ? "none configured; start the node with --data-dir DIR"
                : directories.stream().map(Path::toString).collect(Collectors.joining(", "));
    }
}
