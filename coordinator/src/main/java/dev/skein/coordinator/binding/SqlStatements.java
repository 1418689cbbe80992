package dev.skein.coordinator.binding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A light scan of SQL text, only to word messages about statements that are not one query: it
 * splits the text at semicolons outside strings, quoted names and comments, and names each
 * statement's verb. DuckDB's parser stays the authority on what the text is; this scan never
 * decides whether SQL runs.
 */
final class SqlStatements {
    /** Verbs that can follow a {@code WITH} clause in DuckDB without making a query. */
    private static final Set<String> VERBS_AFTER_WITH = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");

    private SqlStatements() {}

    /**
     * The verb of each statement in {@code sql}, upper case: its first word ({@code SELECT},
     * {@code INSERT}, ...), or for {@code WITH ... INSERT} the word after the common table
     * expressions. Statements holding only whitespace and comments are left out.
     */
    static List<String> verbs(String sql) {
        List<String> verbs = new ArrayList<>();
        List<String> words = new ArrayList<>();
        boolean content = false;
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == ';') {
                if (content) {
                    verbs.add(verb(words));
                }
                words.clear();
                content = false;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end;
            } else if (sql.startsWith("/*", i)) {
                i = skipBlockComment(sql, i);
            } else {
                content = true;
                if (c == '\'' || c == '"') {
                    i = skipQuoted(sql, i, c, escapesWithBackslash(sql, i));
                } else if (c == '$' && dollarTag(sql, i).isPresent()) {
                    String tag = dollarTag(sql, i).get();
                    int end = sql.indexOf(tag, i + tag.length());
                    i = end < 0 ? sql.length() : end + tag.length();
                } else if (Character.isLetter(c) || c == '_') {
                    int start = i;
                    while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                        i++;
                    }
                    words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
                } else {
                    i++;
                }
            }
        }
        if (content) {
            verbs.add(verb(words));
        }
        return verbs;
    }

    private static String verb(List<String> words) {
        if (words.isEmpty()) {
            return "";
        }
        if (words.get(0).equals("WITH")) {
            return words.stream().filter(VERBS_AFTER_WITH::contains).findFirst().orElse("WITH");
        }
        return words.get(0);
    }

    private static int skipBlockComment(String sql, int start) {
        // DuckDB, like PostgreSQL, nests block comments
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    private static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    /** Whether the string literal at {@code quote} is an {@code E'...'} literal. */
    private static boolean escapesWithBackslash(String sql, int quote) {
        return sql.charAt(quote) == '\''
                && quote > 0
                && Character.toUpperCase(sql.charAt(quote - 1)) == 'E'
                && (quote == 1 || !Character.isLetterOrDigit(sql.charAt(quote - 2)));
    }

    /** The {@code $tag$} opening a dollar-quoted string at {@code start}; none for a parameter like {@code $1}. */
    private static Optional<String> dollarTag(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '$' ? Optional.of(sql.substring(start, i + 1)) : Optional.empty();
    }
}
