package dev.skein.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PreAggregation;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.WorkerInfo;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Placement;
import dev.skein.spec.SpecParser;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPlanner {
    private static final String W1 = """
            name: w1
            source:
              type: generate
              sql: SELECT 1 AS id
            stages:
              - name: filter
                sql: SELECT * FROM input
              - name: enrich
                sql: SELECT * FROM input
                parallelism: 2
              - name: totals
                mode: final
                sql: SELECT count(*) FROM input
            """;

    private static final PipelineSpec SPEC = SpecParser.parse("w1.yaml", W1, Path.of("/tmp"));

    private static WorkerInfo worker(String id) {
        return new WorkerInfo(id, "127.0.0.1", 1000 + id.hashCode() % 100, 2, 0, 0);
    }

    @Test
    void chainsForwardEdgesInOneWorkerAndSpreadsTheRest() {
        PipelinePlan plan = Planner.plan(SPEC, W1, "/tmp", 7,
                List.of(worker("w1"), worker("w2"), worker("w3")), Map.of(), List.of());

        assertThat(plan.tasks()).extracting(TaskPlacement::key, TaskPlacement::workerId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0-0", "w1"),
                        org.assertj.core.groups.Tuple.tuple("1-0", "w1"),
                        org.assertj.core.groups.Tuple.tuple("2-0", "w2"),
                        org.assertj.core.groups.Tuple.tuple("2-1", "w3"),
                        org.assertj.core.groups.Tuple.tuple("3-0", "w1"));
    }

    @Test
    void anAutoStageRunsOneTaskPerLiveWorkerCountedAtEachPlan() {
        String yaml = W1.replace("parallelism: 2", "parallelism: auto");
        PipelineSpec spec = SpecParser.parse("w1.yaml", yaml, Path.of("/tmp"));

        assertThat(Planner.plan(spec, yaml, "/tmp", 1, List.of(worker("w1"), worker("w2"), worker("w3")), Map.of(),
                        List.of()).tasksOf(2))
                .hasSize(3);
        // a restart after a fourth worker joined
        assertThat(Planner.plan(spec, yaml, "/tmp", 2, List.of(worker("w1"), worker("w2"), worker("w3"),
                        worker("w4")), Map.of(), List.of()).tasksOf(2))
                .hasSize(4);
    }

    @Test
    void keepsASplitWhereTheFinalStagesInputCrossesTasksOrProcesses() {
        PreAggregation totals = new PreAggregation(3, "SELECT count(*) AS p FROM input", "SELECT sum(p) FROM input");
        PreAggregation filterAsIfFinal = new PreAggregation(1, "SELECT 1", "SELECT 1");
        List<WorkerInfo> workers = List.of(worker("w1"), worker("w2"), worker("w3"));

        // totals gathers from enrich's two tasks; filter is fed one-to-one by the co-located source
        assertThat(Planner.plan(SPEC, W1, "/tmp", 7, workers, Map.of(), List.of(totals, filterAsIfFinal))
                        .preAggregations())
                .containsExactly(totals);
        // spread: the one-to-one edge crosses processes too
        assertThat(Planner.plan(SPEC.withPlacement(Placement.SPREAD), W1, "/tmp", 7, workers, Map.of(),
                        List.of(totals, filterAsIfFinal)).preAggregations())
                .containsExactly(totals, filterAsIfFinal);
    }

    @Test
    void spreadPlacesConsecutiveStagesOnDifferentWorkersAndSpreadsLoad() {
        PipelinePlan plan = Planner.plan(SPEC.withPlacement(Placement.SPREAD), W1, "/tmp", 7,
                List.of(worker("w1"), worker("w2"), worker("w3")), Map.of(), List.of());

        assertThat(plan.epoch()).isEqualTo(7);
        assertThat(plan.tasks()).extracting(TaskPlacement::key, TaskPlacement::workerId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0-0", "w1"),
                        org.assertj.core.groups.Tuple.tuple("1-0", "w2"),
                        org.assertj.core.groups.Tuple.tuple("2-0", "w3"),
                        org.assertj.core.groups.Tuple.tuple("2-1", "w1"),
                        org.assertj.core.groups.Tuple.tuple("3-0", "w2"));
    }

    @Test
    void prefersWorkersWithLessRunningWork() {
        PipelinePlan plan = Planner.plan(SPEC.withPlacement(Placement.SPREAD), W1, "/tmp", 1,
                List.of(worker("w1"), worker("w2")), Map.of("w1", 5), List.of());

        assertThat(plan.tasksOf(0)).extracting(TaskPlacement::workerId).containsExactly("w2");
        assertThat(plan.tasksOf(1)).extracting(TaskPlacement::workerId).containsExactly("w1");
    }

    @Test
    void refusesWithoutWorkers() {
        assertThatThrownBy(() -> Planner.plan(SPEC, W1, "/tmp", 1, List.of(), Map.of(), List.of()))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_WORKERS))
                .hasMessage("no live workers to run pipeline 'w1'; start one with 'skein worker'");
    }
}
