package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a pipeline file. {@link #toString()} renders it the way compilers do, so
 * editors and terminals can jump to it: {@code p.yaml:14:7: error: message}.
 *
 * @param file the file name as the user gave it
 * @param location where in the file
 * @param message what is wrong, naming the object and quoting the value
 */
public record Problem(String file, Location location, String message) {
    /** Checks that no component is null. */
    public Problem {
        requireNonNull(file, "file is null");
        requireNonNull(location, "location is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return file + ":" + location + ": error: " + message;
    }
}
