package dev.skein.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cli.Main;
import dev.skein.spi.plugin.TestingPluginJars;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code skein validate} on the examples, and on a Java stage whose class is only in a plugin jar. */
class TestValidateExamples {
    @TempDir
    Path dir;

    @Test
    void everyExampleValidates() throws Exception {
        for (String example : new String[] {"processed.yaml", "top-k.yaml", "mixed.yaml", "w1.yaml"}) {
            Path file = TestingExamples.PIPELINES.resolve(example);
            StringWriter out = new StringWriter();

            assertThat(validate(out, file.toString())).as("exit code of %s: %s", example, out).isZero();
            assertThat(out.toString()).startsWith(file + ": ok (pipeline '");
        }
    }

    @Test
    void findsAClassInAPluginJarOnlyWithThePluginsDirectory() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        TestingPluginJars.compile(plugins.resolve("pass.jar"),
                Map.of("com.example.plugin.Pass", TestingPluginJars.passThrough("com.example.plugin.Pass")));
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                name: p
                source: {type: generate, sql: SELECT 1 AS x}
                stages:
                  - name: pass
                    java: com.example.plugin.Pass
                  - name: wrong
                    java:
                      class: dev.skein.examples.StageConfig
                """);

        StringWriter without = new StringWriter();
        assertThat(validate(without, file.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(without.toString()).isEqualTo(
                file + ":5:11: error: stage 'pass': class 'com.example.plugin.Pass' not found\n1 problem\n");

        StringWriter with = new StringWriter();
        assertThat(validate(with, "--plugins", plugins.toString(), file.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(with.toString()).isEqualTo(file + ":8:14: error: stage 'wrong': class"
                + " 'dev.skein.examples.StageConfig' does not implement dev.skein.spi.BatchTransform\n1 problem\n");
    }

    @Test
    void aMissingPluginsDirectoryIsAUsageError() throws Exception {
        Path missing = dir.resolve("nope");
        StringWriter out = new StringWriter();

        int exit = validate(out, "--plugins", missing.toString(), TestingExamples.PIPELINES.resolve("w1.yaml").toString());

        assertThat(exit).isEqualTo(Main.EXIT_USAGE);
        assertThat(out.toString()).isEqualTo("error: plugins directory '" + missing + "' does not exist\n");
    }

    private static int validate(StringWriter out, String... args) {
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(out, true));
        String[] all = new String[args.length + 1];
        all[0] = "validate";
        System.arraycopy(args, 0, all, 1, args.length);
        return command.execute(all);
    }
}
