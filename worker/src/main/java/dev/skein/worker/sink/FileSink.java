package dev.skein.worker.sink;

import dev.skein.spec.DataRoots;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code part-<task>.<ext>} into a directory through DuckDB ({@code COPY ... TO}). Rows
 * collect in a DuckDB table (which spills to disk past the memory limit) and are written to a
 * hidden staging directory inside the target at {@link #finish}; {@link #commit()} renames the
 * file into the target directory, atomically per file, after moving the part it replaces aside.
 * The stage's commit is all-or-nothing across its tasks: until the pipeline succeeded ({@link
 * #release()}) every committed task can put the previous output back ({@link #abort()}), which
 * the worker does when the pipeline fails or is cancelled instead, e.g. because another task of the
 * stage could not commit.
 *
 * <p>What a commit did is on disk, so that a task of a later run of the pipeline can undo it when the
 * worker that made it died before the pipeline ended: the previous files in {@code replaced/}, and
 * an empty marker in {@code published/} for every file the commit put in place, written after the
 * file it replaces was moved aside and before the new one is renamed in. When the plan says an
 * earlier run of this submission failed (it was restarted), {@link #finish} puts back what that
 * run's commits left before removing its staging directory, so the restarted run replaces, and
 * may undo, exactly the output the pipeline had before.
 *
 * <p>The target must lie inside the worker's data roots. A commit removes only files this pipeline
 * wrote: task 0 keeps a manifest ({@value #MANIFEST}: pipeline name, extension, parallelism) and
 * removes the parts beyond the new parallelism only when the previous manifest names the same
 * pipeline and extension; never any other file.
 */
final class FileSink implements Sink {
    private static final Logger log = LoggerFactory.getLogger(FileSink.class);
    static final String MANIFEST = ".skein-parts";
    private static final String STAGING_PREFIX = ".staging-";
    private static final Pattern STAGING = Pattern.compile("\\.staging-([0-9]{1,19})-(.+)");

    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final Path target;
    private final Path stagedFile;
    private final String pipeline;
    private final String extension;
    private final String copyOptions;
    private final int index;
    private final int parallelism;
    private final long epoch;
    private final Set<Long> failedEpochs;
    private boolean tableCreated;
    private boolean committed;
    /** Files of the previous output this task moved into {@link #replaced()}, by their target path. */
    private final List<Path> movedAside = new ArrayList<>();
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
            int parallelism,
            Set<Long> failedEpochs) {
        this.session = session;
        this.allocator = allocator;
        this.target = target;
        this.pipeline = pipeline;
        this.extension = extension;
        this.copyOptions = copyOptions;
        this.index = index;
        this.parallelism = parallelism;
        this.epoch = epoch;
        this.failedEpochs = Set.copyOf(failedEpochs);
        this.stagedFile = target.resolve(stagingName(epoch, pipeline)).resolve("part-" + index + "." + extension);
    }

    /** {@code .staging-<epoch>-<pipeline>}: the run's hidden staging directory inside the target. */
    static String stagingName(long epoch, String pipeline) {
        return STAGING_PREFIX + epoch + "-" + pipeline;
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
        removeEarlierRunsStaging();
        Files.createDirectories(stagedFile.getParent());
        session.execute("COPY skein_sink TO '" + stagedFile.toString().replace("'", "''") + "' " + copyOptions);
        session.execute("DROP TABLE skein_sink");
    }

    /**
     * Removes what earlier runs of this pipeline left in the target's staging directories (a
     * worker killed while it wrote leaves a truncated part there; a failed or restarted run its
     * staged parts): only directories named {@code .staging-<epoch>-<this pipeline>} of an older
     * epoch, which only Skein makes, never any other file. A newer run of the pipeline exists only
     * once an older one ended or is being restarted, so nothing still uses them. A run the plan
     * names as failed first gets its commits undone (a worker that died between its commit and the
     * pipeline's end could not); every task of this run may do so at once, each step is safe to
     * repeat or race.
     */
    private void removeEarlierRunsStaging() throws IOException {
        if (!Files.isDirectory(target)) {
            return;
        }
        List<Path> earlier = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target, STAGING_PREFIX + "*")) {
            for (Path entry : entries) {
                Matcher name = STAGING.matcher(entry.getFileName().toString());
                if (name.matches() && name.group(2).equals(pipeline) && Long.parseLong(name.group(1)) < epoch
                        && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    earlier.add(entry);
                }
            }
        }
        for (Path directory : earlier) {
            Matcher name = STAGING.matcher(directory.getFileName().toString());
            if (name.matches() && failedEpochs.contains(Long.parseLong(name.group(1)))) {
                Set<String> names = leftNames(directory);
                undo(directory, target, names);
                if (!names.isEmpty()) {
                    log.info("put back in {} what the commit of failed epoch {} of '{}' left: {}", target,
                            name.group(1), pipeline, names);
                }
            }
            deleteTree(directory);
        }
    }

    /** Deletes {@code root} and what it holds, never following a symbolic link out of it. */
    private static void deleteTree(Path root) throws IOException {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        // Another task removing the same tree (a release, a new run) was first.
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException | DirectoryNotEmptyException raced) {
            // Another task of the new run removed it first, or a zombie still writes there: the
            // next run removes what is left.
        }
    }

    /**
     * Publishes this task's part: the part it replaces (and, for task 0, the manifest and the
     * parts of an earlier wider run) is first moved aside into the staging directory, so that
     * {@link #abort()} can put the previous output back if another task of the stage fails to
     * commit, and {@link #release()} drops it once the whole pipeline succeeded.
     */
    @Override
    public void commit() throws IOException {
        Files.createDirectories(replaced());
        Files.createDirectories(publishedMarks());
        // From here on abort() undoes whatever part of the commit happened.
        committed = true;
        Path published = published();
        moveAside(published);
        mark(published);
        Files.move(stagedFile, published, StandardCopyOption.ATOMIC_MOVE);
        if (index == 0) {
            replaceManifest();
        }
    }

    /**
     * Where the previous output goes while the commit is undecided:
     * {@code .staging-<epoch>-<pipeline>/replaced}.
     */
    private Path replaced() {
        return stagedFile.getParent().resolve("replaced");
    }

    /** {@code .staging-<epoch>-<pipeline>/published}: a marker per file the commit put in place. */
    private Path publishedMarks() {
        return stagedFile.getParent().resolve("published");
    }

    private Path published() {
        return target.resolve(stagedFile.getFileName());
    }

    /** Notes that the commit is about to put {@code file} in place (after moving the one it replaces aside). */
    private void mark(Path file) throws IOException {
        Path marker = publishedMarks().resolve(file.getFileName());
        if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(marker);
        }
    }

    /** Moves {@code file} into {@link #replaced()}, if it exists; true if it did. */
    private boolean moveAside(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Files.move(file, replaced().resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        movedAside.add(file);
        return true;
    }

    /**
     * Moves aside parts {@code parallelism..n-1} of this pipeline's last run here, if its manifest
     * says it wrote them, and the manifest itself; then writes the new manifest.
     */
    private void replaceManifest() throws IOException {
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
                moveAside(target.resolve("part-" + part + "." + extension));
            }
        }
        moveAside(manifest);
        mark(manifest);
        Files.write(manifest, List.of(pipeline, extension, Integer.toString(parallelism)), StandardCharsets.UTF_8);
    }

    /**
     * The whole pipeline succeeded: drops the run's staging directory, where only what the
     * stage's commits kept to undo them is left (every task committed). The whole directory, not
     * only this task's files: a worker that died after its commit, when the coordinator had
     * already seen every task committed, leaves its files to the others.
     */
    @Override
    public void release() {
        if (!committed) {
            return;
        }
        movedAside.clear();
        try {
            deleteTree(stagedFile.getParent());
        } catch (IOException e) {
            // Best effort: what is left is hidden in the staging directory, removed by the next
            // run of the pipeline into this directory.
        }
    }

    private static void deleteIfEmpty(Path directory) throws IOException {
        try {
            Files.deleteIfExists(directory);
        } catch (DirectoryNotEmptyException othersStillThere) {
            // Another task of this sink still has files there; the last one removes it.
        }
    }

    /**
     * Drops the staged output; after a commit, puts the previous output back (another task of the
     * stage failed to commit, or the pipeline failed or was cancelled meanwhile), so the target
     * holds exactly what it held before. Idempotent; never throws.
     */
    @Override
    public void abort() {
        try {
            if (committed) {
                rollBack();
            }
            dropStaged();
        } catch (IOException e) {
            // Best effort; logged by the caller's state. A leftover staging directory is hidden.
        }
    }

    private void rollBack() throws IOException {
        undo(stagedFile.getParent(), target, ownNames());
        movedAside.clear();
        committed = false;
        deleteIfEmpty(replaced());
        deleteIfEmpty(publishedMarks());
    }

    /** The names of the files this task's commit moved aside or put in place. */
    private Set<String> ownNames() {
        Set<String> names = new TreeSet<>();
        movedAside.forEach(file -> names.add(file.getFileName().toString()));
        names.add(published().getFileName().toString());
        if (index == 0) {
            names.add(MANIFEST);
        }
        return names;
    }

    /** The names of the files an earlier run's commits moved aside or put in place. */
    private static Set<String> leftNames(Path staging) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String kept : List.of("replaced", "published")) {
            Path directory = staging.resolve(kept);
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                entries.forEach(entry -> names.add(entry.getFileName().toString()));
            }
        }
        return names;
    }

    /**
     * Undoes what commits into {@code target} did to the files {@code names}, from what they kept
     * in {@code staging}: a file moved aside goes back over whatever took its place; a file put in
     * place where there was none is deleted. Each step drops its marker first, so repeating it
     * after a crash, or racing another task doing the same, never deletes a file put back.
     */
    private static void undo(Path staging, Path target, Set<String> names) throws IOException {
        for (String name : names) {
            Path previous = staging.resolve("replaced").resolve(name);
            Path marker = staging.resolve("published").resolve(name);
            Path file = target.resolve(name);
            if (Files.exists(previous, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(marker);
                try {
                    Files.move(previous, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException raced) {
                    // Another task put it back first.
                }
            } else if (Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(marker);
            }
        }
    }

    private void dropStaged() {
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
        if (!committed) {
            dropStaged();
        }
        try {
            session.close();
        } catch (IOException e) {
            // The connection belongs to a finished task; nothing depends on closing it cleanly.
        }
    }
}
