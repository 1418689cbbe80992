package dev.skein.cli;

import dev.skein.cli.client.CoordinatorClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "submit", description = "Submit a pipeline file to a coordinator.")
final class SubmitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "pipeline YAML")
    Path file;

    @Mixin
    CoordinatorOptions coordinator;

    @Option(names = "--wait", description = "follow the pipeline to its end and print the summary")
    boolean await;

    @Mixin
    LoginOptions login;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        return PipelineFiles.submit(coordinator.client(login.credentials()), file, Optional.empty(), await,
                output.json(), System.out, System.err);
    }
}
