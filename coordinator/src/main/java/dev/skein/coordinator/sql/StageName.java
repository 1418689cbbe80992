package dev.skein.coordinator.sql;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;

/**
 * A stage of a pipeline, as the {@code taps} schema names it: {@code "pipeline.stage"}.
 *
 * @param pipeline its pipeline
 * @param stage its name ("source" for the source)
 */
public record StageName(String pipeline, String stage) {
    public StageName {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(stage, "stage is null");
    }

    /** {@code pipeline.stage} (or {@code pipeline/stage}), as a table name of the {@code taps} schema. */
    public static StageName parse(String table) {
        String[] parts = table.split("[./]", 2);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "a table of schema 'taps'"
                    + " is named \"pipeline.stage\" (quoted), got '" + table + "'");
        }
        return new StageName(parts[0], parts[1]);
    }

    /** The table name in schema {@code taps}. */
    public String tableName() {
        return pipeline + "." + stage;
    }
}
