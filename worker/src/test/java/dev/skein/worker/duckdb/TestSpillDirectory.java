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
    void aStartingWorkerRemovesWhatAnEarlierProcessOfItsIdLeft() throws Exception {
        Path leftover;
        try (SpillDirectory first = SpillDirectory.prepare("test-spill/worker 1")) {
            assertThat(first.path().getFileName().toString()).isEqualTo("test-spill_worker_1");
            leftover = Files.writeString(first.path().resolve("duckdb_temp_storage_S32K-0.tmp"), "killed mid-spill");
            try (SpillDirectory again = SpillDirectory.prepare("test-spill/worker 1")) {
                assertThat(leftover).doesNotExist();
                assertThat(again.path()).isEmptyDirectory();
                Files.writeString(again.path().resolve("spill.tmp"), "x");
            }
            assertThat(first.path()).doesNotExist();
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
