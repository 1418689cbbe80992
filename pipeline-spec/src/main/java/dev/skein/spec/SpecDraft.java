package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The parts of a pipeline file with problems that read cleanly, so that its SQL can still be
 * checked: {@code skein validate} binds every sound stage and reports its problems together with
 * the file's structural ones, instead of stopping at the first typo.
 *
 * @param file the file name shown in problems
 * @param name the pipeline's name, if it read cleanly
 * @param source the source, if it read cleanly
 * @param stages every stage in file order; empty where that stage has a problem of its own
 */
public record SpecDraft(String file, Optional<String> name, Optional<SourceSpec> source, List<Optional<StageSpec>> stages) {
    public SpecDraft {
        requireNonNull(file, "file is null");
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        stages = List.copyOf(stages);
    }
}
