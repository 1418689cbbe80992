package dev.skein.cli;

import dev.skein.cli.client.ClientCredentials;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.NodeAddress;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The coordinator a client command talks to over REST: {@code --coordinator HOST:PORT} or a URL,
 * or several, comma-separated (high availability: the next is tried when one cannot be reached or
 * does not lead).
 */
final class CoordinatorOptions {
    @Option(names = "--coordinator", defaultValue = "http://localhost:8080",
            description = "coordinator's REST address, HOST:PORT or http://HOST:PORT; several, comma-separated,"
                    + " are tried in turn when one cannot be reached or does not lead (default ${DEFAULT-VALUE})")
    String coordinator;

    CoordinatorClient client(ClientCredentials credentials) {
        List<String> urls = Arrays.stream(coordinator.split(","))
                .map(address -> NodeAddress.parse(address, "--coordinator").httpUrl())
                .toList();
        return new CoordinatorClient(urls, credentials);
    }
}
