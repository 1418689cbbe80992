package dev.skein.coordinator.planning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cluster.EdgeKind;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.TaskOutput;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.WorkerInfo;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The edges the planner writes into the plan, for every change of parallelism. */
class TestStageEdges {
    @Test
    void forwardWhenParallelismIsKeptAndNothingIsRepartitioned() {
        StageEdge edge = StageEdge.between(2, 2, List.of());
        assertThat(edge.kind()).isEqualTo(EdgeKind.FORWARD);
        assertThat(edge.outputOf(1)).isEqualTo(new TaskOutput(EdgeKind.FORWARD, List.of(), List.of(1)));
        assertThat(edge.sendersOf(1)).containsExactly(1);
    }

    @Test
    void hashWhenTheReceiverPartitionsEvenAtTheSameParallelism() {
        StageEdge edge = StageEdge.between(2, 2, List.of("grp"));
        assertThat(edge.outputOf(0)).isEqualTo(new TaskOutput(EdgeKind.HASH, List.of("grp"), List.of(0, 1)));
        assertThat(edge.sendersOf(1)).containsExactly(0, 1);
    }

    @Test
    void hashFromTwoToThree() {
        StageEdge edge = StageEdge.between(2, 3, List.of("category"));
        assertThat(edge.outputOf(1)).isEqualTo(new TaskOutput(EdgeKind.HASH, List.of("category"), List.of(0, 1, 2)));
        assertThat(edge.sendersOf(2)).containsExactly(0, 1);
    }

    @Test
    void roundRobinFromOneToThree() {
        StageEdge edge = StageEdge.between(1, 3, List.of());
        assertThat(edge.outputOf(0)).isEqualTo(new TaskOutput(EdgeKind.ROUND_ROBIN, List.of(), List.of(0, 1, 2)));
        assertThat(edge.sendersOf(0)).containsExactly(0);
        assertThat(edge.sendersOf(2)).containsExactly(0);
    }

    @Test
    void gatherFromThreeToOneIgnoresPartitionBy() {
        StageEdge edge = StageEdge.between(3, 1, List.of("grp"));
        assertThat(edge.outputOf(2)).isEqualTo(new TaskOutput(EdgeKind.GATHER, List.of(), List.of(0)));
        assertThat(edge.sendersOf(0)).containsExactly(0, 1, 2);
    }

    @Test
    void planCarriesEveryTasksInputsAndOutputs() {
        String yaml = """
                name: edges
                source: {type: generate, sql: "SELECT 1 AS id, 1 AS grp"}
                stages:
                  - {name: a, sql: SELECT * FROM input, parallelism: 2, partition-by: [grp]}
                  - {name: b, sql: SELECT * FROM input WHERE id % 2 = 0, parallelism: 2}
                  - {name: c, mode: final, sql: SELECT count(*) AS n FROM input}
                """;
        PipelineSpec spec = SpecParser.parse("edges.yaml", yaml, Path.of("/tmp"));
        PipelinePlan plan = Planner.plan(spec, yaml, "/tmp", 3,
                List.of(new WorkerInfo("w1", "127.0.0.1", 1001, 2, 0, 0), new WorkerInfo("w2", "127.0.0.1", 1002, 2, 0, 0)),
                Map.of(), List.of());

        assertThat(plan.tasks()).extracting(TaskPlacement::key, TaskPlacement::senders, TaskPlacement::output)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("0-0", List.of(),
                                Optional.of(new TaskOutput(EdgeKind.HASH, List.of("grp"), List.of(0, 1)))),
                        org.assertj.core.groups.Tuple.tuple("1-0", List.of(0),
                                Optional.of(new TaskOutput(EdgeKind.FORWARD, List.of(), List.of(0)))),
                        org.assertj.core.groups.Tuple.tuple("1-1", List.of(0),
                                Optional.of(new TaskOutput(EdgeKind.FORWARD, List.of(), List.of(1)))),
                        org.assertj.core.groups.Tuple.tuple("2-0", List.of(0),
                                Optional.of(new TaskOutput(EdgeKind.GATHER, List.of(), List.of(0)))),
                        org.assertj.core.groups.Tuple.tuple("2-1", List.of(1),
                                Optional.of(new TaskOutput(EdgeKind.GATHER, List.of(), List.of(0)))),
                        org.assertj.core.groups.Tuple.tuple("3-0", List.of(0, 1), Optional.empty()));
    }
}
