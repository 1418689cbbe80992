package dev.skein.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** {@code --output text|json}: json prints the coordinator's JSON view as it is, for scripts. */
final class OutputOptions {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = {"--output", "-o"}, defaultValue = "text",
            description = "text or json (the REST view as it is, for scripts; default ${DEFAULT-VALUE})")
    Format output;

    enum Format {
        text,
        json
    }

    boolean json() {
        return output == Format.json;
    }

    static void print(JsonNode view, PrintStream out) {
        try {
            out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(view));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
