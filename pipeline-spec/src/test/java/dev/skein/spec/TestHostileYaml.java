package dev.skein.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** YAML that once crashed the parser instead of parsing or being reported. */
class TestHostileYaml {
    /**
     * SnakeYAML 2.3 read its input in 1024-character chunks and failed with {@code Range [1024, 1024
     * + 1) out of bounds} on a character outside the Basic Multilingual Plane that straddled a
     * chunk boundary (REST 500, {@code validate} crashed).
     */
    @Test
    void anEmojiAcrossThe1024CharacterBoundaryParses() {
        String head = "name: p\nsource:\n  type: generate\n  sql: SELECT 1 AS x\nstages:\n  - name: s\n"
                + "    sql: SELECT * FROM input\n# ";
        IntStream.rangeClosed(1018, 1030).forEach(position -> {
            String yaml = head + "x".repeat(position - head.length()) + "\uD83E\uDD86 duck\n";
            assertThat(yaml.indexOf('\uD83E')).isEqualTo(position);

            PipelineSpec spec = SpecParser.parse("p.yaml", yaml, Path.of("/srv"));

            assertThat(spec.name()).as("emoji at %d", position).isEqualTo("p");
        });
    }
}
