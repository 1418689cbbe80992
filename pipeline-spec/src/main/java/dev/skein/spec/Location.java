package dev.skein.spec;

/**
 * A position in a pipeline file, 1-based like an editor shows it.
 *
 * @param line 1-based line number
 * @param column 1-based column number
 */
public record Location(int line, int column) {
    /** The location used when nothing better is known: the start of the file. */
    public static final Location START = new Location(1, 1);

    /** Checks that line and column are 1-based. */
    public Location {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
