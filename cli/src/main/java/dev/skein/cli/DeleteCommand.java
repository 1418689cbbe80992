package dev.skein.cli;

import dev.skein.cli.client.CoordinatorClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "delete", description = "Remove a finished pipeline (SUCCEEDED, FAILED or CANCELLED) from the list; a running one is refused (cancel it first).")
final class DeleteCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "pipeline name")
    String name;

    @Mixin
    CoordinatorOptions coordinator;

    @Mixin
    LoginOptions login;

    @Override
    public Integer call() {
        CoordinatorClient.ApiResponse response = coordinator.client(login.credentials()).forget(name);
        if (!response.ok()) {
            System.err.println("error: " + response.body().path("message").asText());
            return Main.EXIT_FAILED;
        }
        System.out.println("pipeline '" + name + "' (" + response.body().path("state").asText() + ") removed");
        return Main.EXIT_OK;
    }
}
