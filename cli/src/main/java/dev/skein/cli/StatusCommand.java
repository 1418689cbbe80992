package dev.skein.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.PipelineWatcher;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "status", description = "Show all pipelines, or one in detail.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", arity = "0..1", description = "pipeline name")
    String name;

    @Mixin
    CoordinatorOptions coordinator;

    @Mixin
    LoginOptions login;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        CoordinatorClient client = coordinator.client(login.credentials());
        CoordinatorClient.ApiResponse response = name == null ? client.list() : client.get(name);
        if (!response.ok()) {
            System.err.println("error: " + response.body().path("message").asText());
            return Main.EXIT_FAILED;
        }
        if (output.json()) {
            OutputOptions.print(response.body(), System.out);
            return Main.EXIT_OK;
        }
        if (name != null) {
            System.out.print(PipelineWatcher.summary(response.body()));
            return Main.EXIT_OK;
        }
        System.out.printf(Locale.ROOT, "%-20s %-10s %6s %8s %14s %10s%n", "pipeline", "state", "epoch", "attempts",
                "source rows", "seconds");
        for (JsonNode view : response.body()) {
            System.out.printf(Locale.ROOT, "%-20s %-10s %6d %8d %,14d %10.1f%n", view.path("name").asText(),
                    view.path("state").asText(), view.path("epoch").asLong(), Math.max(1, view.path("attempts").size()),
                    view.path("sourceRows").asLong(), view.path("elapsedMillis").asLong() / 1000.0);
        }
        return Main.EXIT_OK;
    }
}
