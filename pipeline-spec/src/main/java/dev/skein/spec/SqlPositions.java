package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * Maps a position inside a stage's or source's SQL text (as DuckDB reports it) to the position in
 * the pipeline file, so SQL errors can be shown as {@code file:line:col}.
 *
 * <p>Exact for a literal block scalar ({@code sql: |}, every SQL line starts at the block's
 * indentation) and for SQL written on one line (plain or quoted, without escape sequences before
 * the position). For folded ({@code >}) or multi-line flow scalars, whose lines YAML joins, the
 * result is on the right first line but may be off after it. Stateless and thread-safe.
 */
public final class SqlPositions {
    private SqlPositions() {}

    /**
     * The file location of a 1-based line and column inside the SQL text. A position past the end
     * of a line or of the text is clamped to just after its last character.
     *
     * @param sqlLocation where the SQL text starts in the file ({@link SqlTransformSpec#sqlLocation()},
     *     {@link GenerateSourceSpec#sqlLocation()})
     * @param sql the SQL text as parsed
     * @param sqlLine 1-based line inside {@code sql}
     * @param sqlColumn 1-based column (character) inside that line
     * @throws IllegalArgumentException if the line or column is less than 1
     */
    public static Location locate(Location sqlLocation, String sql, int sqlLine, int sqlColumn) {
        requireNonNull(sqlLocation, "sqlLocation is null");
        requireNonNull(sql, "sql is null");
        if (sqlLine < 1 || sqlColumn < 1) {
            throw new IllegalArgumentException("SQL line and column are 1-based: " + sqlLine + ":" + sqlColumn);
        }
        String[] lines = sql.split("\r\n|\r|\n", -1);
        int line = Math.min(sqlLine, lines.length);
        int column = line < sqlLine ? lines[line - 1].length() + 1 : Math.min(sqlColumn, lines[line - 1].length() + 1);
        return new Location(sqlLocation.line() + line - 1, sqlLocation.column() + column - 1);
    }

    /**
     * The file location of a 0-based character offset into the SQL text (a Java {@code char}
     * index; convert DuckDB's byte offsets first when the SQL is not ASCII). An offset past the end
     * is clamped to just after the last character.
     *
     * @param sqlLocation where the SQL text starts in the file
     * @param sql the SQL text as parsed
     * @param offset 0-based index into {@code sql}
     * @throws IllegalArgumentException if the offset is negative
     */
    public static Location locateOffset(Location sqlLocation, String sql, int offset) {
        requireNonNull(sql, "sql is null");
        if (offset < 0) {
            throw new IllegalArgumentException("SQL offset is negative: " + offset);
        }
        int end = Math.min(offset, sql.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < end; i++) {
            char c = sql.charAt(i);
            boolean crlf = c == '\r' && i + 1 < sql.length() && sql.charAt(i + 1) == '\n';
            if (c == '\n' || (c == '\r' && !crlf)) {
                line++;
                lineStart = i + 1;
            }
        }
        return locate(sqlLocation, sql, line, end - lineStart + 1);
    }
}
