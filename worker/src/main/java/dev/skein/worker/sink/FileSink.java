package dev.skein.worker.sink;

import dev.skein.spec.DataRoots;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes {@code part-<task>.<ext>} into a directory through DuckDB ({@code COPY ... TO}). Rows
 * collect in a DuckDB table (which spills to disk past the memory limit) and are written to a
 * hidden staging directory inside the target at {@link #finish}; {@link #commit()} renames the
 * file into the target directory, atomically per file.
 *
 * <p>The target must lie inside the worker's data roots. A commit removes only files this pipeline
 * wrote: task 0 keeps a manifest ({@value #MANIFEST}: pipeline name, extension, parallelism) and
 * removes the parts beyond the new parallelism only when the previous manifest names the same
 * pipeline and extension; never any other file.
 */
final class FileSink implements Sink {
    static final String MANIFEST = ".skein-parts";

    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final Path target;
    private final Path stagedFile;
    private final String pipeline;
    private final String extension;
    private final String copyOptions;
    private final int index;
    private final int parallelism;
    private boolean tableCreated;
    private boolean committed;
    /** The outermost directory {@link #finish} created, removed again on abort if still empty. */
    private Optional<Path> createdDirectory = Optional.empty();

    FileSink(
            DuckDbSession session,
            BufferAllocator allocator,
            Path target,
            String extension,
            String copyOptions,
            String pipeline,
            long epoch,
            int index,
            int parallelism) {
        this.session = session;
        this.allocator = allocator;
        this.target = target;
        this.pipeline = pipeline;
        this.extension = extension;
        this.copyOptions = copyOptions;
        this.index = index;
        this.parallelism = parallelism;
        this.stagedFile = target.resolve(".staging-" + epoch).resolve("part-" + index + "." + extension);
    }

    /**
     * The sink's target directory, absolute and normalized, refused unless it lies inside {@code
     * roots}: the coordinator checked it on submit, this is the second line.
     */
    static Path checkedTarget(DataRoots roots, String path) {
        Path target = Path.of(path).toAbsolutePath().normalize();
        if (!roots.contains(target)) {
            throw new SkeinException(ErrorCode.INVALID_SPEC, "sink path '" + target
                    + "' is outside this worker's data directories (" + roots.describe() + ")");
        }
        return target;
    }

    @Override
    public void write(VectorSchemaRoot batch) throws Exception {
        session.register("skein_sink_batch", batch);
        session.execute(tableCreated
                ? "INSERT INTO skein_sink SELECT * FROM skein_sink_batch"
                : "CREATE TEMP TABLE skein_sink AS SELECT * FROM skein_sink_batch");
        tableCreated = true;
    }

    @Override
    public void finish(Schema schema) throws Exception {
        if (!tableCreated) {
            try (VectorSchemaRoot empty = VectorSchemaRoot.create(schema, allocator)) {
                write(empty);
            }
        }
        Path created = stagedFile.getParent();
        while (created.getParent() != null && !Files.exists(created.getParent())) {
            created = created.getParent();
        }
        createdDirectory = Files.exists(created) ? Optional.empty() : Optional.of(created);
        Files.createDirectories(stagedFile.getParent());
        session.execute("COPY skein_sink TO '" + stagedFile.toString().replace("'", "''") + "' " + copyOptions);
        session.execute("DROP TABLE skein_sink");
    }

    @Override
    public void commit() throws IOException {
        Files.move(stagedFile, target.resolve(stagedFile.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        if (index == 0) {
            removeOwnPartsOfAnEarlierWiderRun();
        }
        try {
            Files.deleteIfExists(stagedFile.getParent());
        } catch (DirectoryNotEmptyException othersStillCommitting) {
            // The last task to commit removes the staging directory.
        }
    }

    /** Parts {@code parallelism..n-1} of this pipeline's last run here, if its manifest says it wrote them. */
    private void removeOwnPartsOfAnEarlierWiderRun() throws IOException {
        Path manifest = target.resolve(MANIFEST);
        List<String> previous;
        try {
            previous = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            previous = List.of();
        }
        if (previous.size() == 3 && previous.get(0).equals(pipeline) && previous.get(1).equals(extension)
                && previous.get(2).matches("[0-9]{1,9}")) {
            for (int part = parallelism; part < Integer.parseInt(previous.get(2)); part++) {
                Files.deleteIfExists(target.resolve("part-" + part + "." + extension));
            }
        }
        Files.write(manifest, List.of(pipeline, extension, Integer.toString(parallelism)), StandardCharsets.UTF_8);
    }

    @Override
    public void abort() {
        if (committed) {
            return;
        }
        try {
            Files.deleteIfExists(stagedFile);
            if (createdDirectory.isPresent()) {
                for (Path directory = stagedFile.getParent();
                        directory.startsWith(createdDirectory.get());
                        directory = directory.getParent()) {
                    Files.deleteIfExists(directory);
                }
            } else {
                Files.deleteIfExists(stagedFile.getParent());
            }
        } catch (DirectoryNotEmptyException e) {
            // Another task of this sink still has its part there; it removes the directory.
        } catch (IOException e) {
            // Best effort: a leftover staging directory is hidden and replaced by the next run.
        }
    }

    @Override
    public void close() {
        abort();
        try {
            session.close();
        } catch (IOException e) {
            // The connection belongs to a finished task; nothing depends on closing it cleanly.
        }
    }
}
