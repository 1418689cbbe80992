package dev.skein.worker.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.skein.cluster.EdgeKind;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.ResultPreview;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.TaskState;
import dev.skein.cluster.TaskOutput;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.cluster.flight.ClusterCredentials;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.exchange.FlightClientPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's tasks driven by plans, as ZooKeeper would hand them over: epochs fence old work. */
class TestWorkerTasks {
    private static final String SPEC = """
            name: p
            source: {type: generate, sql: "SELECT i AS id FROM range(1000) t(i)"}
            stages: [{name: s, sql: "SELECT * FROM input WHERE id % 2 = 0"}]
            sinks: [{type: count}]
            """;

    private final BufferAllocator allocator = new RootAllocator();
    private final DuckDbDatabase database = DuckDbDatabase.open(1, "256MB");
    private final TableStore tables = TableStore.open(Optional.empty(), 1, "256MB");
    private final FlightClientPool clients = new FlightClientPool(allocator, ClusterCredentials.none());
    private final TransformLoader loader = TransformLoader.classPathOnly();
    private final Map<TaskKey, TaskState> states = new ConcurrentHashMap<>();
    private final Map<TaskKey, String> errors = new ConcurrentHashMap<>();
    private final WorkerTasks tasks = new WorkerTasks("w1", allocator, database, clients, loader, tables,
            (Task task, TaskState state, Optional<String> error, Optional<ResultPreview> preview) -> {
                error.ifPresent(message -> errors.put(task.wiring().key(), message));
                states.put(task.wiring().key(), state);
            },
            DataPlaneCapabilities.of(AuthConfig.open()));

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        AutoCloseables.close(tasks, clients, loader, tables, database, allocator);
    }

    @Test
    void aCallForAnOlderEpochIsRefusedAsStale() {
        tasks.planChanged(plan(5, PipelineState.RUNNING));
        TaskKey current = new TaskKey("p", 5, 1, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> states.get(current) == TaskState.FINISHED);
        Task stage = tasks.awaitTask(current, Duration.ofSeconds(1));
        assertThat(stage.counters().rowsIn.get()).as("the source handed its rows over in process").isEqualTo(1000);
        assertThat(stage.counters().rowsOut.get()).isEqualTo(500);

        assertThatThrownBy(() -> tasks.awaitTask(new TaskKey("p", 4, 0, 0), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(SkeinException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.STALE_EPOCH))
                .hasMessage("task p@4/0-0 belongs to epoch 4 but pipeline 'p' is at epoch 5");
    }

    @Test
    void aNewEpochStopsTheOldOneAndCommitsOnlyItsOwnTasks() {
        tasks.planChanged(plan(5, PipelineState.RUNNING));
        await().atMost(Duration.ofSeconds(30)).until(() -> states.get(new TaskKey("p", 5, 1, 0)) == TaskState.FINISHED);

        tasks.planChanged(plan(6, PipelineState.RUNNING));
        TaskKey newer = new TaskKey("p", 6, 1, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> states.get(newer) == TaskState.FINISHED);
        tasks.planChanged(plan(6, PipelineState.COMMITTING));

        await().atMost(Duration.ofSeconds(30)).until(() -> states.get(newer) == TaskState.COMMITTED);
        assertThat(states.get(new TaskKey("p", 5, 1, 0))).as("the old epoch's finished task is aborted")
                .isEqualTo(TaskState.CANCELLED);
        assertThatThrownBy(() -> tasks.awaitTask(new TaskKey("p", 5, 0, 0), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(SkeinException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.STALE_EPOCH));
    }

    @Test
    void cancellingAPipelineStopsItsRunningDuckDbQueryAtOnce() {
        String endless = """
                name: p
                source: {type: generate, sql: "SELECT sum(i) AS s FROM range(100000000000000) t(i)"}
                stages: [{name: s, sql: "SELECT * FROM input"}]
                sinks: [{type: count}]
                """;
        tasks.planChanged(plan(endless, 7, PipelineState.RUNNING));
        TaskKey source = new TaskKey("p", 7, 0, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks.tasks().stream()
                .anyMatch(task -> task.wiring().key().equals(source) && task.runningQuery().isPresent()));
        assertThat(tasks.awaitTask(source, Duration.ofSeconds(1)).runningQuery().orElseThrow().sql())
                .isEqualTo("SELECT sum(i) AS s FROM range(100000000000000) t(i)");

        tasks.planChanged(plan(endless, 7, PipelineState.CANCELLED));

        await().atMost(Duration.ofSeconds(10)).until(() -> states.get(source) == TaskState.CANCELLED);
        assertThat(states.get(new TaskKey("p", 7, 1, 0))).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aStageThatRunsPastItsTimeoutFailsAsAUserErrorAndItsQueryIsInterrupted() {
        String slow = """
                name: p
                source: {type: generate, sql: "SELECT 1 AS one"}
                stages:
                  - name: slow
                    timeout: 500ms
                    sql: "SELECT sum(i) AS s FROM input, range(100000000000000) t(i)"
                sinks: [{type: count}]
                """;
        tasks.planChanged(plan(slow, 8, PipelineState.RUNNING));
        TaskKey stage = new TaskKey("p", 8, 1, 0);

        await().atMost(Duration.ofSeconds(30)).until(() -> states.get(stage) == TaskState.FAILED);
        Task task = tasks.awaitTask(stage, Duration.ofSeconds(1));
        assertThat(errors.get(stage)).isEqualTo("stage 'slow' task 0 failed: timed out after 500ms (the stage's"
                + " timeout); its query was interrupted");
        assertThat(task.errorCode()).contains(ErrorCode.STAGE_FAILED);
        assertThat(ErrorCode.STAGE_FAILED.type()).as("never restarted").isEqualTo(ErrorCode.Type.USER);
        assertThat(task.runningQuery()).isEmpty();
        assertThat(states.get(new TaskKey("p", 8, 0, 0))).isEqualTo(TaskState.FINISHED);
    }

    @Test
    void aTaskThePlanDoesNotPutHereIsNotFound() {
        assertThatThrownBy(() -> tasks.awaitTask(new TaskKey("q", 1, 1, 0), Duration.ofMillis(100)))
                .isInstanceOfSatisfying(SkeinException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessage("task q@1/1-0 is not planned on worker 'w1'");
    }

    private PipelinePlan plan(long epoch, PipelineState state) {
        return plan(SPEC, epoch, state);
    }

    private PipelinePlan plan(String spec, long epoch, PipelineState state) {
        return new PipelinePlan("p", epoch, state, "p.yaml", spec, dir.toString(),
                List.of(new TaskPlacement(0, 0, "w1", "127.0.0.1", 1, List.of(),
                                Optional.of(new TaskOutput(EdgeKind.FORWARD, List.of(), List.of(0)))),
                        new TaskPlacement(1, 0, "w1", "127.0.0.1", 1, List.of(0), Optional.empty())),
                1_000, 0, Optional.empty());
    }
}
