package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * Counts rows and drops them; the count shows in the pipeline's status.
 *
 * @param location where the sink's list item starts
 */
public record CountSinkSpec(Location location) implements SinkSpec {
    /** Checks that no component is null. */
    public CountSinkSpec {
        requireNonNull(location, "location is null");
    }
}
