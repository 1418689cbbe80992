package dev.skein.coordinator.planning;

import dev.skein.cluster.EdgeKind;
import dev.skein.cluster.TaskOutput;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The edge between two consecutive stages: which sender task talks to which receiver task, and
 * how. The one place that decides it; the plan carries the result to the workers.
 *
 * @param kind how batches are split
 * @param partitionBy the receiving stage's hash keys, for {@link EdgeKind#HASH}
 * @param senders tasks in the sending stage
 * @param receivers tasks in the receiving stage
 */
record StageEdge(EdgeKind kind, List<String> partitionBy, int senders, int receivers) {
    StageEdge {
        partitionBy = List.copyOf(partitionBy);
    }

    /**
     * @param partitionBy the receiving stage's {@code partition-by}; empty for none
     */
    static StageEdge between(int senders, int receivers, List<String> partitionBy) {
        if (receivers == 1) {
            return new StageEdge(senders == 1 ? EdgeKind.FORWARD : EdgeKind.GATHER, List.of(), senders, receivers);
        }
        if (!partitionBy.isEmpty()) {
            return new StageEdge(EdgeKind.HASH, partitionBy, senders, receivers);
        }
        return new StageEdge(
                senders == receivers ? EdgeKind.FORWARD : EdgeKind.ROUND_ROBIN, List.of(), senders, receivers);
    }

    /** Where sender task {@code index} sends. */
    TaskOutput outputOf(int index) {
        List<Integer> targets = switch (kind) {
            case FORWARD -> List.of(index);
            case GATHER -> List.of(0);
            case ROUND_ROBIN, HASH -> range(receivers);
        };
        return new TaskOutput(kind, partitionBy, targets);
    }

    /** Which sender tasks open a stream to receiver task {@code index}. */
    List<Integer> sendersOf(int index) {
        return kind == EdgeKind.FORWARD ? List.of(index) : range(senders);
    }

    private static List<Integer> range(int count) {
        return IntStream.range(0, count).boxed().toList();
    }
}
