package dev.skein.worker.sink;

import dev.skein.worker.duckdb.DuckDbSession;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes {@code part-<task>.<ext>} into a directory through DuckDB ({@code COPY ... TO}). Rows
 * collect in a DuckDB table (which spills to disk past the memory limit) and are written to a
 * staging directory beside the target at {@link #finish}; {@link #commit()} renames the file into
 * the target directory, atomically per file.
 */
final class FileSink implements Sink {
    private static final Pattern PART = Pattern.compile("part-(\\d+)\\.(parquet|csv)");

    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final Path target;
    private final Path stagedFile;
    private final String copyOptions;
    private final int index;
    private final int parallelism;
    private boolean tableCreated;
    private boolean committed;

    FileSink(
            DuckDbSession session,
            BufferAllocator allocator,
            Path target,
            String extension,
            String copyOptions,
            long epoch,
            int index,
            int parallelism) {
        this.session = session;
        this.allocator = allocator;
        this.target = target;
        this.copyOptions = copyOptions;
        this.index = index;
        this.parallelism = parallelism;
        Path staging = target.resolveSibling("." + target.getFileName() + ".staging-" + epoch);
        this.stagedFile = staging.resolve("part-" + index + "." + extension);
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
        Files.createDirectories(stagedFile.getParent());
        session.execute("COPY skein_sink TO '" + stagedFile.toString().replace("'", "''") + "' " + copyOptions);
        session.execute("DROP TABLE skein_sink");
    }

    @Override
    public void commit() throws IOException {
        Files.createDirectories(target);
        Files.move(stagedFile, target.resolve(stagedFile.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        if (index == 0) {
            removePartsOfEarlierWiderRuns();
        }
        try {
            Files.deleteIfExists(stagedFile.getParent());
        } catch (DirectoryNotEmptyException othersStillCommitting) {
            // The last task to commit removes the staging directory.
        }
    }

    private void removePartsOfEarlierWiderRuns() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(target, "part-*")) {
            for (Path file : files) {
                Matcher matcher = PART.matcher(file.getFileName().toString());
                if (matcher.matches() && Integer.parseInt(matcher.group(1)) >= parallelism) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Override
    public void abort() {
        if (committed) {
            return;
        }
        try {
            Files.deleteIfExists(stagedFile);
            Files.deleteIfExists(stagedFile.getParent());
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
