package dev.skein.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestSuggestions {
    private static final List<String> KEYS = List.of("name", "sql", "mode", "parallelism", "partition-by");

    @Test
    void countsEditsAndSwaps() {
        assertThat(Suggestions.distance("paralelism", "parallelism")).isEqualTo(1);
        assertThat(Suggestions.distance("cvs", "csv")).isEqualTo(1);
        assertThat(Suggestions.distance("parket", "parquet")).isEqualTo(2);
        assertThat(Suggestions.distance("", "sql")).isEqualTo(3);
    }

    @Test
    void suggestsTheClosestKey() {
        assertThat(Suggestions.closest("paralelism", KEYS)).contains("parallelism");
        assertThat(Suggestions.closest("partition_by", KEYS)).contains("partition-by");
        assertThat(Suggestions.closest("SQL", KEYS)).contains("sql");
        assertThat(Suggestions.closest("sq", KEYS)).contains("sql");
    }

    @Test
    void suggestsNothingFarAway() {
        assertThat(Suggestions.closest("window", KEYS)).isEmpty();
        assertThat(Suggestions.closest("x", KEYS)).isEmpty();
        assertThat(Suggestions.closest("parallel", KEYS)).isEmpty();
    }

    @Test
    void rendersTheHint() {
        assertThat(Suggestions.hint("mod", KEYS, "keys")).isEqualTo("; did you mean 'mode'?");
        assertThat(Suggestions.hint("foo", KEYS, "keys"))
                .isEqualTo("; valid keys: name, sql, mode, parallelism, partition-by");
    }
}
