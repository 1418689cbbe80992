package dev.skein.cli;

import dev.skein.cli.client.CoordinatorClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "cancel", description = "Cancel a running pipeline; its staged output is dropped.")
final class CancelCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "pipeline name")
    String name;

    @Mixin
    CoordinatorOptions coordinator;

    @Mixin
    LoginOptions login;

    @Override
    public Integer call() {
        CoordinatorClient.ApiResponse response = coordinator.client(login.credentials()).cancel(name);
        if (!response.ok()) {
            System.err.println("error: " + response.body().path("message").asText());
            return Main.EXIT_FAILED;
        }
        System.out.println("pipeline '" + name + "' " + response.body().path("state").asText());
        return Main.EXIT_OK;
    }
}
