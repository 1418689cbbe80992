package dev.skein.worker.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spec.DataRoots;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's file sinks write only inside its data roots, and commits remove only their own files. */
class TestDataRoots {
    private static final Schema SCHEMA = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));

    @TempDir
    Path base;

    private Path root;
    private BufferAllocator allocator;
    private DuckDbDatabase database;

    @BeforeEach
    void open() throws Exception {
        root = Files.createDirectory(base.resolve("data"));
        allocator = new RootAllocator();
        database = DuckDbDatabase.open(1, "256MB", DataRoots.of(List.of(root)));
    }

    @AfterEach
    void close() {
        database.close();
        assertThat(allocator.getAllocatedMemory()).isZero();
        allocator.close();
    }

    @Test
    void refusesSinkPathsOutsideTheRootsBeforeWritingAnything() {
        for (String path : List.of(root + "/../victim", base.resolve("victim").toString(), "/etc/skein")) {
            String normalized = Path.of(path).normalize().toString();
            assertThatThrownBy(() -> FileSink.checkedTarget(database.dataRoots(), path))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("sink path '" + normalized + "' is outside this worker's data directories (" + root + ")");
        }
        assertThat(base.resolve("victim")).doesNotExist();
    }

    @Test
    void aCommitLeavesPartsItDidNotWrite() throws Exception {
        Path shared = Files.createDirectory(root.resolve("shared"));
        Path victim = Files.writeString(shared.resolve("part-7.csv"), "id\n42\n");

        runSink("attacker", shared, 1, 1);

        assertThat(victim).hasContent("id\n42");
        assertThat(shared.resolve("part-0.csv")).exists();
        assertThat(shared.resolve(".staging-1-attacker")).doesNotExist();
    }

    @Test
    void aCommitRemovesThePartsOfItsOwnEarlierWiderRun() throws Exception {
        Path out = root.resolve("out");
        runSink("p", out, 1, 3);
        runSink("p", out, 1, 3);
        runSink("p", out, 1, 3);
        assertThat(Files.list(out).map(path -> path.getFileName().toString()).sorted().toList())
                .containsExactly(".skein-parts", "part-0.csv", "part-1.csv", "part-2.csv");

        runSink("p", out, 2, 1);

        assertThat(Files.list(out).map(path -> path.getFileName().toString()).sorted().toList())
                .containsExactly(".skein-parts", "part-0.csv");
    }

    @Test
    void aStageCommitsAllOrNothingAcrossItsTasks() throws Exception {
        Path out = Files.createDirectory(root.resolve("all"));
        Files.writeString(out.resolve("part-0.csv"), "id\n1\n");
        Files.writeString(out.resolve("part-1.csv"), "id\n2\n");
        Files.writeString(out.resolve("part-2.csv"), "id\n3\n");
        Files.writeString(out.resolve(FileSink.MANIFEST), "p\ncsv\n3\n");
        List<String> before = listing(out);

        // Task 0 commits (replacing part-0, moving aside part-2 of the wider run and the manifest);
        // task 1 cannot commit (its staged part is gone). The pipeline fails: both abort.
        try (FileSink first = sink("p", out, 2, 0, 2); FileSink second = sink("p", out, 2, 1, 2)) {
            first.finish(SCHEMA);
            second.finish(SCHEMA);
            first.commit();
            assertThat(out.resolve("part-0.csv")).hasContent("id");
            Files.delete(out.resolve(".staging-2-p/part-1.csv"));
            assertThatThrownBy(second::commit).isInstanceOf(java.nio.file.NoSuchFileException.class);
            second.abort();
            first.abort();
        }
        assertThat(listing(out)).isEqualTo(before);
        assertThat(out.resolve("part-0.csv")).hasContent("id\n1");
        assertThat(out.resolve("part-1.csv")).hasContent("id\n2");
        assertThat(out.resolve("part-2.csv")).hasContent("id\n3");
        assertThat(out.resolve(FileSink.MANIFEST)).hasContent("p\ncsv\n3");

        // Both commit, the pipeline succeeds: the new output, nothing kept aside.
        try (FileSink first = sink("p", out, 3, 0, 2); FileSink second = sink("p", out, 3, 1, 2)) {
            first.finish(SCHEMA);
            second.finish(SCHEMA);
            first.commit();
            second.commit();
            first.release();
            second.release();
        }
        assertThat(listing(out)).containsExactly(FileSink.MANIFEST, "part-0.csv", "part-1.csv");
        assertThat(out.resolve("part-1.csv")).hasContent("id");
    }

    @Test
    void aRestartedRunPutsBackWhatTheFailedRunsDeadWorkersCommitted() throws Exception {
        Path out = Files.createDirectory(root.resolve("restarted"));
        Files.writeString(out.resolve("part-0.csv"), "id\n1\n");
        Files.writeString(out.resolve("part-1.csv"), "id\n2\n");
        Files.writeString(out.resolve(FileSink.MANIFEST), "p\ncsv\n2\n");
        List<String> before = listing(out);

        // Epoch 2, three tasks: 0 and 2 commit (2 publishes a part that did not exist), then their
        // worker dies; task 1 never commits, its own worker drops its staged part.
        FileSink first = sink("p", out, 2, 0, 3);
        FileSink third = sink("p", out, 2, 2, 3);
        try (FileSink second = sink("p", out, 2, 1, 3)) {
            first.finish(SCHEMA);
            second.finish(SCHEMA);
            third.finish(SCHEMA);
            first.commit();
            third.commit();
            second.abort();
        }
        first.close();
        third.close();
        assertThat(listing(out)).contains("part-2.csv");

        // Epoch 3 restarts it: the first task to finish puts the previous output back, and what
        // the restarted run then commits, it can undo to exactly that output.
        try (FileSink again0 = sink("p", out, 3, 0, 3, Set.of(2L));
                FileSink again1 = sink("p", out, 3, 1, 3, Set.of(2L));
                FileSink again2 = sink("p", out, 3, 2, 3, Set.of(2L))) {
            again1.finish(SCHEMA);
            assertThat(listing(out)).isEqualTo(Stream.concat(Stream.of(".staging-3-p"), before.stream()).sorted().toList());
            assertThat(out.resolve("part-0.csv")).hasContent("id\n1");
            assertThat(out.resolve(FileSink.MANIFEST)).hasContent("p\ncsv\n2");
            again0.finish(SCHEMA);
            again2.finish(SCHEMA);
            again0.commit();
            again1.commit();
            again2.commit();
            again2.abort();
            again0.abort();
            again1.abort();
        }
        assertThat(listing(out)).isEqualTo(before);
        assertThat(out.resolve("part-0.csv")).hasContent("id\n1");
        assertThat(out.resolve("part-1.csv")).hasContent("id\n2");
        assertThat(out.resolve(FileSink.MANIFEST)).hasContent("p\ncsv\n2");
    }

    @Test
    void aTaskThatCannotMoveThePartItReplacesAsideFailsToCommit() throws Exception {
        Path out = root.resolve("blocked");
        runSink("p", out, 1, 2);
        Files.createDirectories(out.resolve(".staging-2-p/replaced/part-1.csv/blocked"));
        try (FileSink second = sink("p", out, 2, 1, 2)) {
            second.finish(SCHEMA);
            assertThatThrownBy(second::commit).isInstanceOf(java.nio.file.FileSystemException.class);
            second.abort();
        }
        assertThat(out.resolve("part-1.csv")).exists();
    }

    @Test
    void aRunRemovesOnlyTheStagingItsPipelineLeftInEarlierEpochs() throws Exception {
        Path out = Files.createDirectory(root.resolve("left"));
        Path truncated = Files.createDirectories(out.resolve(".staging-1-p/replaced"));
        Files.write(out.resolve(".staging-1-p/part-0.csv"), new byte[] {'i'});
        Path otherPipeline = Files.createDirectories(out.resolve(".staging-1-q"));
        Path newerRun = Files.createDirectories(out.resolve(".staging-9-p"));
        Path notOurs = Files.createDirectories(out.resolve(".staging-x"));

        runSink("p", out, 3, 1);

        assertThat(truncated.getParent()).doesNotExist();
        assertThat(otherPipeline).exists();
        assertThat(newerRun).exists();
        assertThat(notOurs).exists();
        assertThat(out.resolve(".staging-3-p")).doesNotExist();
    }

    private static List<String> listing(Path directory) throws Exception {
        try (var files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private FileSink sink(String pipeline, Path target, long epoch, int index, int parallelism) {
        return sink(pipeline, target, epoch, index, parallelism, Set.of());
    }

    private FileSink sink(String pipeline, Path target, long epoch, int index, int parallelism, Set<Long> failed) {
        return new FileSink(database.openSession(allocator), allocator,
                FileSink.checkedTarget(database.dataRoots(), target.toString()), "csv", "(FORMAT csv, HEADER true)",
                pipeline, epoch, index, parallelism, failed);
    }

    /** Runs task {@code index} of a sink with {@code parallelism} tasks: no rows, finish, commit. */
    private void runSink(String pipeline, Path target, long epoch, int parallelism) throws Exception {
        for (int index = 0; index < parallelism; index++) {
            try (FileSink sink = sink(pipeline, target, epoch, index, parallelism)) {
                sink.finish(SCHEMA);
                sink.commit();
                sink.release();
            }
        }
    }
}
