package dev.skein.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(mixinStandardHelpOptions = true, name = "workers",
        description = "List the live workers: Flight address, tasks, memory, metrics URL.")
final class WorkersCommand implements Callable<Integer> {
    @Mixin
    CoordinatorOptions coordinator;

    @Mixin
    LoginOptions login;

    @Override
    public Integer call() {
        CoordinatorClient.ApiResponse response = coordinator.client(login.credentials()).workers();
        if (!response.ok()) {
            System.err.println("error: " + response.body().path("message").asText());
            return Main.EXIT_FAILED;
        }
        System.out.print(table(response.body()));
        return Main.EXIT_OK;
    }

    /** The worker list as printed: one line per worker under a header. */
    static String table(JsonNode workers) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-24s %-22s %5s %5s %10s %10s  %s%n",
                "worker", "flight", "cores", "tasks", "heap", "arrow", "metrics"));
        for (JsonNode worker : workers) {
            out.append(String.format(Locale.ROOT, "%-24s %-22s %5d %5d %10s %10s  %s%n", worker.path("id").asText(),
                    worker.path("address").asText(), worker.path("cores").asInt(), worker.path("tasks").asInt(),
                    mebibytes(worker.path("heapUsedBytes")), mebibytes(worker.path("arrowBytes")),
                    worker.path("metricsUrl").asText("-")));
        }
        return out.toString();
    }

    private static String mebibytes(JsonNode bytes) {
        return bytes.isNumber() ? String.format(Locale.ROOT, "%.1f MiB", bytes.asLong() / 1048576.0) : "?";
    }
}
