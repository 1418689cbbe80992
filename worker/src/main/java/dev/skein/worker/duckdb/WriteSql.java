package dev.skein.worker.duckdb;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Locale;
import java.util.Set;

/**
 * Checks that SQL which changes data is one statement of a kind that stays inside the database:
 * DML and DDL, never ATTACH, INSTALL/LOAD, COPY, EXPORT/IMPORT, SET, PRAGMA or CALL (configuration
 * is locked and file access off anyway; this says so before DuckDB sees the text). One statement
 * only, because DuckDB runs every statement but the last one of a string as soon as it is prepared.
 */
final class WriteSql {
    private static final Set<String> ALLOWED =
            Set.of("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "TRUNCATE", "WITH", "MERGE");

    private WriteSql() {}

    static void check(String sql) {
        String first = firstWord(sql);
        if (!ALLOWED.contains(first)) {
            throw new SkeinException(ErrorCode.PERMISSION_DENIED, "statements starting with '" + first
                    + "' are not allowed; a SQL client may run SELECT queries and, on a worker started with"
                    + " --allow-sql-writes, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER or TRUNCATE");
        }
        if (statementsAfterFirst(sql)) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "one statement per call, got several separated by ';'");
        }
    }

    private static String firstWord(String sql) {
        int i = skipBlanksAndComments(sql, 0);
        int start = i;
        while (i < sql.length() && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toUpperCase(Locale.ROOT);
    }

    /** Whether anything but blanks and comments follows a ';' outside quotes and comments. */
    private static boolean statementsAfterFirst(String sql) {
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = closing(sql, i + 1, String.valueOf(c));
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                i = closing(sql, i + tag.length(), tag);
            } else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
                i = skipBlanksAndComments(sql, i);
            } else if (c == ';') {
                int next = skipBlanksAndComments(sql, i + 1);
                if (next < sql.length() && sql.charAt(next) != ';') {
                    return true;
                }
                i = next;
            } else {
                i++;
            }
        }
        return false;
    }

    /** The index after the closing {@code quote} (a doubled quote character stays inside). */
    private static int closing(String sql, int from, String quote) {
        int i = from;
        while (true) {
            int end = sql.indexOf(quote, i);
            if (end < 0) {
                return sql.length();
            }
            if (quote.length() == 1 && end + 1 < sql.length() && sql.charAt(end + 1) == quote.charAt(0)) {
                i = end + 2;
                continue;
            }
            return end + quote.length();
        }
    }

    /** {@code $tag$} starting at {@code i}, or null ({@code $1} is a parameter). */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
    }

    private static int skipBlanksAndComments(String sql, int from) {
        int i = from;
        while (i < sql.length()) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
            } else {
                return i;
            }
        }
        return i;
    }
}
