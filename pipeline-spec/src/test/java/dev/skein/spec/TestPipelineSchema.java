package dev.skein.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON Schema editors use must accept and reject what the parser does. */
class TestPipelineSchema {
    @Test
    void topLevelMatchesTheParser() throws IOException {
        JsonNode schema = schema();

        assertThat(schema.path("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
        assertClosedObject(schema, PipelineReader.KEYS, List.of("name", "source", "stages"));
        assertThat(schema.at("/definitions/name/pattern").asText()).isEqualTo("^" + SpecParser.NAME_PATTERN + "$");
        assertThat(schema.at("/properties/stages/minItems").asInt()).isEqualTo(1);
    }

    @Test
    void restartMatchesTheParser() throws IOException {
        JsonNode schema = schema();
        JsonNode restart = schema.at("/definitions/restart");

        assertClosedObject(restart, RestartReader.KEYS, List.of());
        assertThat(restart.at("/properties/attempts/default").asInt()).isEqualTo(RestartSpec.DEFAULT.attempts());
        assertThat(restart.at("/properties/backoff/default").asText()).isEqualTo("1s");
    }

    @Test
    void sourceMatchesTheParser() throws IOException {
        JsonNode source = schema().at("/definitions/source");

        assertClosedObject(source, SourceReader.KEYS, List.of("type"));
        assertThat(texts(source.at("/properties/type/enum"))).containsExactlyElementsOf(SourceReader.TYPES);
    }

    @Test
    void stageMatchesTheParser() throws IOException {
        JsonNode stage = schema().at("/definitions/stage");

        assertClosedObject(stage, StageReader.KEYS, List.of("name"));
        assertThat(texts(stage.at("/properties/mode/enum"))).containsExactlyElementsOf(StageReader.MODES);
        assertThat(texts(stage.at("/oneOf/0/required"))).containsExactly("sql");
        assertThat(texts(stage.at("/oneOf/1/required"))).containsExactly("java");
        assertThat(stage.at("/oneOf/1/properties/mode").booleanValue()).isFalse();
    }

    @Test
    void javaMatchesTheParser() throws IOException {
        JsonNode schema = schema();
        JsonNode java = schema.at("/definitions/java");

        assertThat(java.at("/oneOf/0/$ref").asText()).isEqualTo("#/definitions/className");
        assertClosedObject(java.at("/oneOf/1"), JavaStageReader.KEYS, List.of("class"));
        assertThat(schema.at("/definitions/className/pattern").asText())
                .isEqualTo("^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$");
    }

    @Test
    void sinkMatchesTheParser() throws IOException {
        JsonNode sink = schema().at("/definitions/sink");

        assertClosedObject(sink, SinkReader.KEYS, List.of("type"));
        assertThat(texts(sink.at("/properties/type/enum"))).containsExactlyElementsOf(SinkReader.TYPES);
    }

    private static void assertClosedObject(JsonNode object, List<String> keys, List<String> required) {
        assertThat(object.path("type").asText()).isEqualTo("object");
        assertThat(object.path("additionalProperties").isBoolean()).isTrue();
        assertThat(object.path("additionalProperties").booleanValue()).isFalse();
        List<String> properties = new ArrayList<>();
        object.path("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(properties).containsExactlyElementsOf(keys);
        assertThat(texts(object.path("required"))).containsExactlyElementsOf(required);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static JsonNode schema() throws IOException {
        try (InputStream in = SpecParser.class.getResourceAsStream("/pipeline.schema.json")) {
            assertThat(in).as("pipeline.schema.json on the class path").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}
