package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.parse;
import static dev.skein.spec.TestingSpecs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code restart} key: defaults, values, problems with their positions, exponential backoff. */
class TestRestartSpec {
    private static final String PIPELINE = """
            name: p
            source:
              type: generate
              sql: SELECT 1 AS x
            stages:
              - name: s
                sql: SELECT x FROM input
            """;

    @Test
    void absentMeansThreeAttemptsAfterOneSecond() {
        assertThat(parse(PIPELINE).restart()).isEqualTo(new RestartSpec(3, Duration.ofSeconds(1)));
        assertThat(parse(PIPELINE + "restart: {}\n").restart()).isEqualTo(RestartSpec.DEFAULT);
    }

    @Test
    void readsAttemptsAndBackoff() {
        assertThat(parse(PIPELINE + "restart: {attempts: 0}\n").restart())
                .isEqualTo(new RestartSpec(0, Duration.ofSeconds(1)));
        assertThat(parse(PIPELINE + "restart:\n  attempts: 5\n  backoff: 250ms\n").restart())
                .isEqualTo(new RestartSpec(5, Duration.ofMillis(250)));
        assertThat(parse(PIPELINE + "restart: {backoff: 2m}\n").restart())
                .isEqualTo(new RestartSpec(3, Duration.ofMinutes(2)));
    }

    @Test
    void reportsEveryProblemWithItsPosition() {
        assertThat(problems(PIPELINE + "restart:\n  attempts: -1\n  backoff: soon\n  tries: 2\n"))
                .containsExactly(
                        "p.yaml:9:13: error: 'attempts' must be a whole number from 0 to 100, got '-1'",
                        "p.yaml:10:12: error: 'backoff' must be a duration such as 500ms, 1s or 2m, got 'soon'",
                        "p.yaml:11:3: error: unknown key 'tries' in restart; valid keys: attempts, backoff");
        assertThat(problems(PIPELINE + "restart: 3\n"))
                .containsExactly("p.yaml:8:10: error: 'restart' must be a mapping with keys attempts, backoff, got '3'");
    }

    @Test
    void eachRestartWaitsTwiceAsLongUpToAMinute() {
        RestartSpec restart = new RestartSpec(10, Duration.ofSeconds(1));

        assertThat(restart.backoffBefore(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(restart.backoffBefore(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(restart.backoffBefore(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(restart.backoffBefore(7)).isEqualTo(Duration.ofMinutes(1));
        assertThat(new RestartSpec(3, Duration.ZERO).backoffBefore(3)).isEqualTo(Duration.ZERO);
    }
}
