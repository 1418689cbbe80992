package dev.skein.coordinator.binding;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A stage whose SQL bound against its upstream's columns.
 *
 * @param name the stage name
 * @param output the columns the stage produces, in order
 */
public record BoundStage(String name, List<BoundColumn> output) {
    public BoundStage {
        requireNonNull(name, "name is null");
        output = List.copyOf(requireNonNull(output, "output is null"));
    }
}
