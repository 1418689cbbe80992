package dev.skein.cli;

import dev.skein.cli.client.CoordinatorClient;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "cancel", description = "Cancel a running pipeline; its staged output is dropped. A pipeline that already ended exits 1 with its state.")
final class CancelCommand implements Callable<Integer> {
    static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    @Parameters(paramLabel = "NAME", description = "pipeline name")
    String name;

    @Mixin
    CoordinatorOptions coordinator;

    @Mixin
    LoginOptions login;

    @Override
    public Integer call() {
        CoordinatorClient client = coordinator.client(login.credentials());
        CoordinatorClient.ApiResponse before = client.get(name);
        if (!before.ok()) {
            System.err.println("error: " + before.body().path("message").asText());
            return Main.EXIT_FAILED;
        }
        String state = before.body().path("state").asText();
        if (ENDED.contains(state)) {
            System.err.println("error: pipeline '" + name + "' already ended: " + state);
            return Main.EXIT_FAILED;
        }
        CoordinatorClient.ApiResponse response = client.cancel(name);
        if (!response.ok()) {
            System.err.println("error: " + response.body().path("message").asText());
            return Main.EXIT_FAILED;
        }
        System.out.println("pipeline '" + name + "' " + response.body().path("state").asText());
        return Main.EXIT_OK;
    }
}
