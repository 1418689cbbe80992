package dev.skein.coordinator.binding;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What feeds a stage: the source or the stage before it, with the columns it produces.
 *
 * @param description how messages name it: {@code the source} or {@code upstream stage 'filter'}
 * @param columns the columns it produces, in order
 */
record Upstream(String description, List<BoundColumn> columns) {
    Upstream {
        requireNonNull(description, "description is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    static Upstream ofSource(List<BoundColumn> columns) {
        return new Upstream("the source", columns);
    }

    static Upstream ofStage(String stageName, List<BoundColumn> columns) {
        return new Upstream("upstream stage '" + stageName + "'", columns);
    }

    /** Whether a column of exactly this name (case included, as Arrow matches fields) exists. */
    boolean produces(String column) {
        return columns.stream().anyMatch(candidate -> candidate.name().equals(column));
    }

    /**
     * The end of a message about a column this upstream lacks: {@code , which the source does not
     * produce; did you mean 'value'?}, or, with nothing close, {@code ...; it produces: id, value}.
     */
    String lacking(String column) {
        List<String> names = columns.stream().map(BoundColumn::name).toList();
        return ", which " + description + " does not produce"
                + ClosestName.among(column, names)
                        .map(candidate -> "; did you mean '" + candidate + "'?")
                        .orElseGet(() -> "; it produces: " + String.join(", ", names));
    }
}
