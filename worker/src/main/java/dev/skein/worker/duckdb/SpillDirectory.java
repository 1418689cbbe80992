package dev.skein.worker.duckdb;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one worker's DuckDB spills past its memory limit ({@code temp_directory}):
 * {@code <java.io.tmpdir>/skein-spill/<worker id>-<pid>}, the process's own, so that workers
 * sharing a machine and a working directory (of one cluster or several) never share spill files.
 * A worker that starts removes the spill directories whose process is gone (killed with -9, say),
 * and removes its own when it stops. Nothing outside {@code skein-spill} is ever touched, nor the
 * directory of a process that still runs.
 */
public final class SpillDirectory implements AutoCloseable {
    /** {@code <worker id>-<pid>}. */
    private static final Pattern OWNED = Pattern.compile(".*-([0-9]{1,18})");

    private final Path path;

    private SpillDirectory(Path path) {
        this.path = path;
    }

    /** The worker's spill directory, emptied of an earlier process's leftovers and created. */
    public static SpillDirectory prepare(String workerId) {
        String name = workerId.replaceAll("[^A-Za-z0-9._-]", "_");
        Path parent = Path.of(System.getProperty("java.io.tmpdir"), "skein-spill");
        Path path = parent.resolve(name + "-" + ProcessHandle.current().pid());
        try {
            removeLeftovers(parent);
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot prepare the DuckDB spill directory " + path + ": "
                    + e.getMessage(), e);
        }
        return new SpillDirectory(path);
    }

    public Path path() {
        return path;
    }

    /** Removes the spill directories of processes that no longer run. */
    private static void removeLeftovers(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        List<Path> gone = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                Matcher name = OWNED.matcher(entry.getFileName().toString());
                if (name.matches() && ProcessHandle.of(Long.parseLong(name.group(1))).isEmpty()) {
                    gone.add(entry);
                }
            }
        }
        for (Path directory : gone) {
            deleteTree(directory);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // Removed meanwhile: what we wanted.
        }
    }

    /** Removes the directory and what DuckDB left in it; call after the database closed. */
    @Override
    public void close() {
        try {
            deleteTree(path);
        } catch (IOException e) {
            // Removed by the next worker of this id when it starts.
        }
    }
}
