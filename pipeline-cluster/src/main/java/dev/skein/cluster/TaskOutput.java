package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where one task sends its output: the receiving tasks of the next stage (their indexes, in the
 * order a hash or round-robin split numbers them) and how.
 *
 * @param kind how batches are split among the receivers
 * @param partitionBy the hash keys, for {@link EdgeKind#HASH}; empty otherwise
 * @param receivers indexes of the receiving tasks in the next stage
 */
public record TaskOutput(EdgeKind kind, List<String> partitionBy, List<Integer> receivers) {
    public TaskOutput {
        requireNonNull(kind, "kind is null");
        partitionBy = List.copyOf(requireNonNull(partitionBy, "partitionBy is null"));
        receivers = List.copyOf(requireNonNull(receivers, "receivers is null"));
        if (receivers.isEmpty()) {
            throw new IllegalArgumentException("an output needs at least one receiver");
        }
        if ((kind == EdgeKind.HASH) == partitionBy.isEmpty()) {
            throw new IllegalArgumentException("partitionBy is required for HASH edges and only for them");
        }
    }
}
