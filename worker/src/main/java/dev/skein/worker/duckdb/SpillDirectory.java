package dev.skein.worker.duckdb;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where one worker's DuckDB spills past its memory limit ({@code temp_directory}):
 * {@code <java.io.tmpdir>/skein-spill/<worker id>}, the worker's own, so that workers sharing a
 * machine and a working directory never share spill files. A worker that starts removes what a
 * previous process of the same id left there (killed with -9, say), and removes the directory
 * when it stops. Nothing outside it is ever touched.
 */
public final class SpillDirectory implements AutoCloseable {
    private final Path path;

    private SpillDirectory(Path path) {
        this.path = path;
    }

    /** The worker's spill directory, emptied of an earlier process's leftovers and created. */
    public static SpillDirectory prepare(String workerId) {
        String name = workerId.replaceAll("[^A-Za-z0-9._-]", "_");
        Path path = Path.of(System.getProperty("java.io.tmpdir"), "skein-spill", name.isEmpty() ? "_" : name);
        try {
            deleteTree(path);
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
