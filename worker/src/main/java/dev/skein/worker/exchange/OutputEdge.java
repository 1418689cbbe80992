package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.EdgeKind;
import java.util.List;

/**
 * A task's output edge as the plan wrote it, with the receivers' addresses resolved.
 *
 * @param kind how batches are split among the targets
 * @param partitionBy hash keys for {@link EdgeKind#HASH}
 * @param targets the receiving tasks, in the order a split numbers them
 * @param token the plan's exchange token, presented to every receiver
 */
public record OutputEdge(EdgeKind kind, List<String> partitionBy, List<TaskAddress> targets, String token) {
    public OutputEdge {
        requireNonNull(kind, "kind is null");
        requireNonNull(token, "token is null");
        partitionBy = List.copyOf(partitionBy);
        targets = List.copyOf(targets);
    }
}
