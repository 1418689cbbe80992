package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Problem;

/** Asserts the exact problems a binding reports, rendered as the user sees them. */
final class TestingProblems {
    private TestingProblems() {}

    static void assertBindingFails(SqlBinder binder, PipelineSpec spec, String... expected) {
        assertThatThrownBy(() -> binder.bind(spec))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems())
                        .extracting(Problem::toString)
                        .containsExactly(expected));
    }
}
