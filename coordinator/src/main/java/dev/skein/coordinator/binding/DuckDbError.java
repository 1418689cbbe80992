package dev.skein.coordinator.binding;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DuckDB error message taken apart: its first line, and where in the SQL text it points.
 *
 * <p>DuckDB ends many messages with {@code LINE n: <the line>} and a line with a caret under the
 * offending token. The shown line is cut to about 40 display cells either side of the error, marked
 * with {@code ...}, and the caret is placed in display cells (East Asian wide characters take two),
 * so the column is found by locating the shown text in the real line and walking its cells.
 *
 * @param headline the message's first line, e.g. {@code Binder Error: Referenced column "valu" not
 *     found in FROM clause!}
 * @param position where the caret points in the SQL text, if the message has one
 */
record DuckDbError(String headline, Optional<SqlPosition> position) {
    private static final Pattern LINE_CONTEXT = Pattern.compile("(?m)^LINE (\\d+): (.*)\\R( *)\\^");
    private static final String CUT = "...";
    private static final Pattern MISSING_COLUMN =
            Pattern.compile("Binder Error: Referenced column \"(.+)\" not found in FROM clause!");
    private static final Pattern MISSING_INPUT_COLUMN = Pattern.compile(
            "Binder Error: Table \"input\" does not have a column named \"(.+)\"", Pattern.CASE_INSENSITIVE);

    DuckDbError {
        requireNonNull(headline, "headline is null");
        requireNonNull(position, "position is null");
    }

    /**
     * A 1-based position in SQL text; the column counts code points.
     *
     * @param line 1-based line in the SQL text
     * @param column 1-based column, in code points
     */
    record SqlPosition(int line, int column) {}

    /**
     * The column the query names but cannot find, when that is the error: an unqualified column
     * ({@code valu}) or one qualified with {@code input} ({@code input.valu}).
     */
    Optional<String> missingColumn() {
        for (Pattern pattern : List.of(MISSING_COLUMN, MISSING_INPUT_COLUMN)) {
            Matcher matcher = pattern.matcher(headline);
            if (matcher.matches()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    /** Takes apart {@code message}, an error DuckDB raised for {@code sql}. */
    static DuckDbError parse(String message, String sql) {
        String trimmed = repairSupplementary(message).strip();
        int newline = trimmed.indexOf('\n');
        String headline = (newline < 0 ? trimmed : trimmed.substring(0, newline)).strip();
        Matcher matcher = LINE_CONTEXT.matcher(trimmed);
        Optional<SqlPosition> position = Optional.empty();
        while (matcher.find()) {
            // the last context wins: DuckDB appends it after any candidate lists
            int line = Integer.parseInt(matcher.group(1));
            int caretCells = matcher.group(3).length() - ("LINE " + matcher.group(1) + ": ").length();
            position = locate(sql, line, matcher.group(2), caretCells);
        }
        return new DuckDbError(headline, position);
    }

    private static Optional<SqlPosition> locate(String sql, int line, String shown, int caretCells) {
        List<String> lines = sql.lines().toList();
        if (line < 1 || line > lines.size() || caretCells < 0) {
            return Optional.empty();
        }
        String text = lines.get(line - 1);
        if (!shown.startsWith(CUT) || text.startsWith(CUT)) {
            return Optional.of(new SqlPosition(line, column(text, 0, caretCells)));
        }
        String body = shown.substring(CUT.length());
        if (body.endsWith(CUT) && !text.contains(body)) {
            body = body.substring(0, body.length() - CUT.length());
        }
        int start = text.indexOf(body);
        int cells = caretCells - CUT.length();
        if (start < 0 || cells < 0) {
            return Optional.empty();
        }
        return Optional.of(new SqlPosition(line, column(text, start, cells)));
    }

    /**
     * Undoes how the JDBC driver garbles characters outside the Basic Multilingual Plane (it hands
     * their four UTF-8 bytes to Java as four characters U+0080..U+00FF), so that messages quote the
     * user's text and shown lines match it.
     */
    private static String repairSupplementary(String message) {
        StringBuilder repaired = new StringBuilder(message.length());
        int i = 0;
        while (i < message.length()) {
            char c = message.charAt(i);
            if (c >= 0xF0 && c <= 0xF4 && i + 3 < message.length() && continuation(message, i + 1, 3)) {
                int codePoint = ((c & 0x07) << 18)
                        | ((message.charAt(i + 1) & 0x3F) << 12)
                        | ((message.charAt(i + 2) & 0x3F) << 6)
                        | (message.charAt(i + 3) & 0x3F);
                if (Character.isSupplementaryCodePoint(codePoint) && Character.isValidCodePoint(codePoint)) {
                    repaired.appendCodePoint(codePoint);
                    i += 4;
                    continue;
                }
            }
            repaired.append(c);
            i++;
        }
        return repaired.toString();
    }

    private static boolean continuation(String text, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (text.charAt(i) < 0x80 || text.charAt(i) > 0xBF) {
                return false;
            }
        }
        return true;
    }

    /** The 1-based code point column in {@code text} that is {@code cells} display cells after {@code start}. */
    private static int column(String text, int start, int cells) {
        int index = start;
        int walked = 0;
        while (index < text.length()) {
            int codePoint = text.codePointAt(index);
            int width = width(codePoint);
            if (walked >= cells && width > 0) {
                break;
            }
            walked += width;
            index += Character.charCount(codePoint);
        }
        return text.codePointCount(0, index) + 1;
    }

    /** Display cells of a code point, as terminals (and DuckDB's caret) count them. */
    private static int width(int codePoint) {
        int type = Character.getType(codePoint);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || codePoint == 0x200B) {
            return 0;
        }
        boolean wide = (codePoint >= 0x1100 && codePoint <= 0x115F)
                || (codePoint >= 0x2E80 && codePoint <= 0xA4CF && codePoint != 0x303F)
                || (codePoint >= 0xAC00 && codePoint <= 0xD7A3)
                || (codePoint >= 0xF900 && codePoint <= 0xFAFF)
                || (codePoint >= 0xFE30 && codePoint <= 0xFE4F)
                || (codePoint >= 0xFF00 && codePoint <= 0xFF60)
                || (codePoint >= 0xFFE0 && codePoint <= 0xFFE6)
                || (codePoint >= 0x1F300 && codePoint <= 0x1F64F)
                || (codePoint >= 0x1F900 && codePoint <= 0x1F9FF)
                || (codePoint >= 0x20000 && codePoint <= 0x3FFFD);
        return wide ? 2 : 1;
    }
}
