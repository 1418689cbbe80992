package dev.skein.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TestValidateCommand {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int validate(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "validate";
        System.arraycopy(args, 0, full, 1, args.length);
        return commandLine.execute(full);
    }

    @Test
    void validFileExitsZero() throws Exception {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, """
                name: ok
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(10) t(i)
                stages:
                  - name: double
                    sql: SELECT id * 2 AS twice FROM input
                """);

        assertThat(validate(file.toString())).isZero();
        assertThat(out.toString()).isEqualTo(file + ": ok (pipeline 'ok', 1 stages)\n");
    }

    @Test
    void everyProblemIsPrintedWithLineAndColumnAndExitsOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: bad
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(10) t(i)
                stages:
                  - name: double
                    sql: SELECT idd * 2 AS twice FROM input
                  - name: more
                    sq: SELECT 1
                """);

        assertThat(validate(file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEqualTo(file + ":7:17: error: stage 'double' reads column 'idd', which the source"
                + " does not produce; it produces: id\n"
                + file + ":8:5: error: stage 'more' is missing required key 'sql' or 'java'\n"
                + file + ":9:5: error: unknown key 'sq' in stage 'more'; did you mean 'sql'?\n"
                + "3 problems\n");
    }

    @Test
    void aStructuralProblemHidesNoSqlProblemOfAnotherStage() throws Exception {
        Path file = dir.resolve("all.yaml");
        Files.writeString(file, """
                name: all
                source:
                  type: generate
                  sql: SELECT i AS id, i * 2 AS amount FROM range(10) t(i)
                stages:
                  - name: first
                    sql: SELECT id, amount * 2 AS doubled FROM input
                  - name: typo
                    sql: SELECT * FROM input
                    paralelism: 2
                  - name: last
                    sql: SELECT id, doubld FROM input
                """);

        assertThat(validate(file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEqualTo(
                file + ":10:5: error: unknown key 'paralelism' in stage 'typo'; did you mean 'parallelism'?\n"
                + file + ":12:21: error: stage 'last' reads column 'doubld', which upstream stage 'typo' does not"
                + " produce; did you mean 'doubled'?\n"
                + "2 problems\n");
    }

    @Test
    void sqlIsBoundAgainstTheUpstreamSchema() throws Exception {
        Path file = dir.resolve("column.yaml");
        Files.writeString(file, """
                name: column
                source:
                  type: generate
                  sql: SELECT i AS id, i * 2 AS amount FROM range(10) t(i)
                stages:
                  - name: double
                    sql: SELECT amout * 2 AS twice FROM input
                """);

        assertThat(validate(file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEqualTo(file + ":7:17: error: stage 'double' reads column 'amout', which the"
                + " source does not produce; did you mean 'amount'?\n1 problem\n");
    }

    @Test
    void missingFileOrArgumentIsAUsageError() {
        assertThat(validate(dir.resolve("absent.yaml").toString())).isEqualTo(2);
        assertThat(validate()).isEqualTo(2);
    }
}
