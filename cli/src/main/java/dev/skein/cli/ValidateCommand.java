package dev.skein.cli;

import dev.skein.coordinator.binding.SqlBinder;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Problem;
import dev.skein.spec.SpecParser;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "validate", description = "Check a pipeline file offline: SQL bound against upstream schemas, Java stages' classes loaded and asked for their output schemas.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "pipeline YAML")
    Path file;

    @Option(names = "--plugins", paramLabel = "DIR", description = "directory of Java transform jars, as the workers have it")
    Path plugins;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(file)) {
            spec.commandLine().getErr().println(file + ": error: no such file");
            return Main.EXIT_USAGE;
        }
        TransformLoader transforms;
        try {
            transforms = TransformLoader.of(Optional.ofNullable(plugins));
        } catch (SkeinException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        try (transforms;
                SqlBinder binder = SqlBinder.open(transforms, PipelineFiles.defaultDataRoots(file))) {
            PipelineSpec pipeline;
            try {
                pipeline = SpecParser.parse(file);
            } catch (InvalidSpecException e) {
                // Structural problems do not hide the SQL ones: bind what read cleanly, report all.
                return report(out, binder.withSqlProblems(e).problems());
            }
            binder.bind(pipeline);
            out.println(file + ": ok (pipeline '" + pipeline.name() + "', " + pipeline.stages().size() + " stages)");
            return Main.EXIT_OK;
        } catch (InvalidSpecException e) {
            return report(out, e.problems());
        }
    }

    private static int report(PrintWriter out, List<Problem> problems) {
        for (Problem problem : problems) {
            out.println(problem);
        }
        out.println(problems.size() + (problems.size() == 1 ? " problem" : " problems"));
        return Main.EXIT_FAILED;
    }
}
