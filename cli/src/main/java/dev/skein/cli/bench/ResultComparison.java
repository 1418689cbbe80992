package dev.skein.cli.bench;

import java.util.List;

/** Compares two results given as text: exact for text, 1e-9 relative for numbers. */
final class ResultComparison {
    private ResultComparison() {}

    static boolean same(List<List<String>> expected, List<List<String>> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int row = 0; row < expected.size(); row++) {
            List<String> left = expected.get(row);
            List<String> right = actual.get(row);
            if (left.size() != right.size()) {
                return false;
            }
            for (int column = 0; column < left.size(); column++) {
                if (!sameValue(left.get(column), right.get(column))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameValue(String left, String right) {
        if (left.equals(right)) {
            return true;
        }
        try {
            double a = Double.parseDouble(left);
            double b = Double.parseDouble(right);
            return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
