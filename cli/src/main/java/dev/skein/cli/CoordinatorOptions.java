package dev.skein.cli;

import dev.skein.cli.client.ClientCredentials;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.NodeAddress;
import picocli.CommandLine.Option;

/** The coordinator a client command talks to over REST: {@code --coordinator HOST:PORT} or a URL. */
final class CoordinatorOptions {
    @Option(names = "--coordinator", defaultValue = "http://localhost:8080",
            description = "coordinator's REST address, HOST:PORT or http://HOST:PORT (default ${DEFAULT-VALUE})")
    String coordinator;

    CoordinatorClient client(ClientCredentials credentials) {
        return new CoordinatorClient(NodeAddress.parse(coordinator, "--coordinator").httpUrl(), credentials);
    }
}
