package dev.skein.cli;

import dev.skein.coordinator.binding.SqlBinder;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Problem;
import dev.skein.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Check a pipeline file offline, SQL bound against upstream schemas.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "pipeline YAML")
    Path file;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            System.err.println(file + ": error: no such file");
            return Main.EXIT_USAGE;
        }
        try (SqlBinder binder = SqlBinder.open()) {
            PipelineSpec spec = SpecParser.parse(file);
            binder.bind(spec);
            System.out.println(file + ": ok (pipeline '" + spec.name() + "', " + spec.stages().size() + " stages)");
            return Main.EXIT_OK;
        } catch (InvalidSpecException e) {
            for (Problem problem : e.problems()) {
                System.out.println(problem);
            }
            System.out.println(e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems"));
            return Main.EXIT_FAILED;
        }
    }
}
