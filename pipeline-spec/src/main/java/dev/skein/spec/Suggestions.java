package dev.skein.spec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds the word a user probably meant, for "did you mean ..." hints. */
final class Suggestions {
    /** Edits (insert, delete, replace) allowed between a typo and its suggestion. */
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {}

    /**
     * The candidate closest to {@code typed} (ignoring case), if it is at most {@value
     * #MAX_DISTANCE} edits away and less than half of the candidate would have to change; the first
     * candidate wins a tie.
     */
    static Optional<String> closest(String typed, List<String> candidates) {
        String normalized = typed.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(normalized, candidate.toLowerCase(Locale.ROOT));
            if (distance <= MAX_DISTANCE && distance * 2 < candidate.length() && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The hint appended to a message: {@code ; did you mean 'x'?} or {@code ; valid <what>: a, b}. */
    static String hint(String typed, List<String> candidates, String validWhat) {
        return closest(typed, candidates)
                .map(candidate -> "; did you mean '" + candidate + "'?")
                .orElseGet(() -> "; valid " + validWhat + ": " + String.join(", ", candidates));
    }

    /**
     * The edit distance between two strings, counting an insertion, a deletion, a replacement and a
     * swap of two neighbouring characters as one edit each (optimal string alignment).
     */
    static int distance(String left, String right) {
        int[][] distances = new int[left.length() + 1][right.length() + 1];
        for (int i = 0; i <= left.length(); i++) {
            distances[i][0] = i;
        }
        for (int j = 0; j <= right.length(); j++) {
            distances[0][j] = j;
        }
        for (int i = 1; i <= left.length(); i++) {
            for (int j = 1; j <= right.length(); j++) {
                int cost = left.charAt(i - 1) == right.charAt(j - 1) ? 0 : 1;
                int best = Math.min(
                        distances[i - 1][j - 1] + cost, Math.min(distances[i - 1][j], distances[i][j - 1]) + 1);
                if (i > 1
                        && j > 1
                        && left.charAt(i - 1) == right.charAt(j - 2)
                        && left.charAt(i - 2) == right.charAt(j - 1)) {
                    best = Math.min(best, distances[i - 2][j - 2] + 1);
                }
                distances[i][j] = best;
            }
        }
        return distances[left.length()][right.length()];
    }
}
