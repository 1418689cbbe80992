package dev.skein.worker.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.spec.DataRoots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/** A worker's DuckDB spills into the worker's own directory, emptied when a worker of that id starts. */
class TestSpillDirectory {
    @Test
    void aStartingWorkerRemovesWhatAGoneProcessLeftAndNothingElse() throws Exception {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"), "skein-spill");
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path gone = Files.createDirectories(parent.resolve("test-spill-" + ended.pid()));
        Path leftover = Files.writeString(gone.resolve("duckdb_temp_storage_S32K-0.tmp"), "killed mid-spill");
        Path live = Files.createDirectories(parent.resolve("test-spill-" + ProcessHandle.current().parent().orElseThrow().pid()));
        try (SpillDirectory spill = SpillDirectory.prepare("test-spill/worker 1")) {
            assertThat(spill.path().getFileName().toString()).isEqualTo("test-spill_worker_1-" + ProcessHandle.current().pid());
            assertThat(spill.path()).isEmptyDirectory();
            assertThat(leftover).doesNotExist();
            assertThat(gone).doesNotExist();
            assertThat(live).as("a running process's directory").exists();
            Files.writeString(spill.path().resolve("spill.tmp"), "x");
            spill.close();
            assertThat(spill.path()).doesNotExist();
        } finally {
            Files.deleteIfExists(live);
        }
    }

    @Test
    void duckDbSpillsThere() throws Exception {
        try (SpillDirectory spill = SpillDirectory.prepare("test-spill-setting");
                BufferAllocator allocator = new RootAllocator();
                DuckDbDatabase database = DuckDbDatabase.open(1, "256MB", DataRoots.none(), Optional.of(spill.path()));
                DuckDbSession session = database.openSession(allocator)) {
            AtomicReference<String> setting = new AtomicReference<>();
            session.query("SELECT current_setting('temp_directory') AS d", 10, batch ->
                    setting.set(((VarCharVector) batch.getVector(0)).getObject(0).toString()));
            assertThat(setting.get()).isEqualTo(spill.path().toString());
        }
    }
}
