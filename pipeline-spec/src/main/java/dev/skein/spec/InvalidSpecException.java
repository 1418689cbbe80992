package dev.skein.spec;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Thrown when a pipeline file has problems; carries all of them, in file order, not just the
 * first. The message is the problems, one per line.
 */
public final class InvalidSpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<Problem> problems;
    private final transient Optional<SpecDraft> draft;

    /**
     * @param problems at least one problem
     */
    public InvalidSpecException(List<Problem> problems) {
        this(problems, Optional.empty());
    }

    /**
     * @param problems at least one problem
     * @param draft the parts of the file that read cleanly, when the file is a pipeline at all
     */
    public InvalidSpecException(List<Problem> problems, Optional<SpecDraft> draft) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid spec has at least one problem");
        }
        this.problems = List.copyOf(problems);
        this.draft = draft;
    }

    /** The parts of the file that read cleanly, for checks that can still run (binding sound stages). */
    public Optional<SpecDraft> draft() {
        return draft;
    }

    /** Every problem found, sorted by position in the file. */
    public List<Problem> problems() {
        return problems;
    }
}
