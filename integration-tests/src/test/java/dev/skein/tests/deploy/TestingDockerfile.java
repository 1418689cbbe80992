package dev.skein.tests.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test fixture: deploy/Dockerfile as instructions (continuations joined, comments dropped). */
final class TestingDockerfile {
    /** ENV's {@code KEY=value} or {@code KEY="value with spaces"} pairs. */
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");

    /** One instruction: {@code keyword} upper case, {@code arguments} the rest of the line. */
    record Instruction(String keyword, String arguments) {}

    private final List<Instruction> instructions;

    private TestingDockerfile(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
    }

    static TestingDockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String joined = current.toString().strip();
            current.setLength(0);
            if (!joined.isEmpty()) {
                int space = joined.indexOf(' ');
                instructions.add(new Instruction(
                        joined.substring(0, space).toUpperCase(Locale.ROOT),
                        joined.substring(space + 1).strip()));
            }
        }
        return new TestingDockerfile(instructions);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream()
                .filter(instruction -> instruction.keyword().equals(keyword))
                .toList();
    }

    /** The one instruction of this keyword in the last (runtime) stage. */
    Instruction lastOf(String keyword) {
        List<Instruction> found = all(keyword);
        assertThat(found).as("%s instructions", keyword).isNotEmpty();
        return found.get(found.size() - 1);
    }

    /** The runtime stage's ENV defaults. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Instruction env : all("ENV")) {
            Matcher pair = ENV_PAIR.matcher(env.arguments());
            while (pair.find()) {
                String value = pair.group(2);
                environment.put(pair.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
            }
        }
        return environment;
    }
}
