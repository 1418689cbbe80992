package dev.skein.coordinator.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestSystemTables {
    @Test
    void pipelinesHoldOneRowPerPipeline() {
        SystemTable table = SystemTables.of("pipelines", TestingClusters.views());

        assertThat(table.columns()).extracting(SystemTable.Column::name).containsExactly("name", "state", "epoch",
                "attempts", "failure", "submitted_at", "elapsed_ms", "stages", "tasks", "source_rows",
                "rows_per_second");
        assertThat(table.rows()).containsExactly(Arrays.asList("w1", "RUNNING", 3L, 2, null,
                TestingClusters.SUBMITTED, 4_000L, 2, 3, 1_000L, 250.0));
    }

    @Test
    void stagesSumTheirTasks() {
        SystemTable table = SystemTables.of("stages", TestingClusters.views());

        assertThat(table.rows()).containsExactly(
                Arrays.asList("w1", 3L, 0, "source", "RUNNING", 1, 0L, 1_000L, 0L, 1L, 8_000L, 500.0, 5L, 0L, 0L,
                        2_000L, false),
                Arrays.asList("w1", 3L, 1, "enrich", "RUNNING,FINISHED", 2, 1_000L, 900L, 1L, 2L, 7_000L, 1_800.0, 3L,
                        1L, 2L, 500L, false));
    }

    @Test
    void tasksNameTheirWorkerAndItsAddress() {
        SystemTable table = SystemTables.of("tasks", TestingClusters.views());

        assertThat(table.rows()).containsExactly(
                Arrays.asList("w1", 3L, 0, "source", 0, "worker-1", "127.0.0.1:4001", "RUNNING"),
                Arrays.asList("w1", 3L, 1, "enrich", 0, "worker-1", "127.0.0.1:4001", "RUNNING"),
                Arrays.asList("w1", 3L, 1, "enrich", 1, "worker-2", "127.0.0.1:4002", "FINISHED"));
    }

    @Test
    void workersLeaveWhatTheyDidNotSayNull() {
        SystemTable table = SystemTables.of("workers", TestingClusters.views());

        assertThat(table.rows()).containsExactly(
                Arrays.asList("worker-1", "127.0.0.1:4001", 2, TestingClusters.SUBMITTED - 1_000, 2,
                        "http://127.0.0.1:5001/metrics", 1_024L, 2_048L),
                Arrays.asList("worker-2", "127.0.0.1:4002", 4, TestingClusters.SUBMITTED - 2_000, 1, null, null, null));
    }

    @Test
    void everyTableHasItsColumnsWhenEmpty() {
        for (String name : SystemTables.NAMES) {
            assertThat(SystemTables.empty(name).columns())
                    .isEqualTo(SystemTables.of(name, TestingClusters.views()).columns());
            assertThat(SystemTables.empty(name).rows()).isEqualTo(List.of());
        }
    }
}
