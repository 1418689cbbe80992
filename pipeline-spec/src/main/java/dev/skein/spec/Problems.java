package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** The problems found in one pipeline file so far. Not thread-safe: one instance per parse. */
final class Problems {
    private final String file;
    private final LinkedHashSet<Problem> problems = new LinkedHashSet<>();

    Problems(String file) {
        this.file = requireNonNull(file, "file is null");
    }

    void add(Location location, String message) {
        // a set: a node reached twice through a YAML alias must not report the same problem twice
        problems.add(new Problem(file, location, message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems sorted by line, then column; problems at the same place keep the order found. */
    List<Problem> sorted() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt((Problem problem) -> problem.location().line())
                .thenComparingInt(problem -> problem.location().column()));
        return List.copyOf(sorted);
    }

    InvalidSpecException toException() {
        return new InvalidSpecException(sorted());
    }

    InvalidSpecException toException(Optional<SpecDraft> draft) {
        return new InvalidSpecException(sorted(), draft);
    }
}
