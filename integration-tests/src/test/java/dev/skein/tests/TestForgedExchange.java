package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outside client that knows a running task's pipeline, epoch, stage, index and a planned
 * sender index still cannot stream batches into it: the exchange must carry the capability the
 * plan grants that edge.
 */
class TestForgedExchange {
    private static final long ROWS = 30_000_000;

    @TempDir
    Path dir;

    @Test
    void aDoExchangeWithoutThePlansTokenIsRefusedAndAddsNoRow() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(2, "384m", 1);
                BufferAllocator allocator = new RootAllocator()) {
            Path file = TestingPipelines.write(dir, "victim.yaml", """
                    name: victim
                    placement: spread
                    source:
                      type: generate
                      sql: SELECT i AS id FROM range(%d) t(i)
                    stages:
                      - name: pass
                        sql: SELECT id FROM input
                      - name: total
                        mode: final
                        sql: SELECT count(*) AS n FROM input
                    """.formatted(ROWS));
            assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
            CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    rest.get("victim").body().path("stages").get(1).path("rowsIn").asLong() > 0);
            JsonNode view = rest.get("victim").body();
            String worker = view.path("stages").get(1).path("workers").get(0).asText();
            String[] address = cluster.liveWorkerAddresses(Set.of(worker)).get(0).split(":");
            String command = """
                    {"version":3,"pipeline":"victim","epoch":%d,"stage":1,"index":0,"from":0,\
                    "capability":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""".formatted(view.path("epoch").asLong());

            try (FlightClient client = FlightClient.builder(allocator,
                            Location.forGrpcInsecure(address[0], Integer.parseInt(address[1])))
                    .build()) {
                assertThatThrownBy(() -> forge(client, allocator, command))
                        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                            assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
                            assertThat(e.status().description()).isEqualTo("exchange into task victim@"
                                    + view.path("epoch").asLong() + "/1-0 refused: the capability is not this"
                                    + " plan's; only the plan's own tasks may send to it");
                        });
            }

            // A node's view (the plan's token, from ZooKeeper) still cannot add a sender the plan does not name.
            String planToken;
            try (ZkCluster zk = ZkCluster.connect(ZkClusterConfig.of(cluster.zookeeperConnectString()));
                    ZkPlanStore plans = zk.planStore()) {
                planToken = plans.plan("victim").orElseThrow().exchangeToken();
            }
            long epoch = view.path("epoch").asLong();
            String outsider = DataPlaneCapabilities.of(AuthConfig.open()).issue(planToken,
                    DataPlaneCapabilities.Kind.EXCHANGE, new TaskKey("victim", epoch, 1, 0), 5);
            String fromOutside = """
                    {"version":3,"pipeline":"victim","epoch":%d,"stage":1,"index":0,"from":5,"capability":"%s"}"""
                    .formatted(epoch, outsider);
            try (FlightClient client = FlightClient.builder(allocator,
                            Location.forGrpcInsecure(address[0], Integer.parseInt(address[1])))
                    .build()) {
                assertThatThrownBy(() -> forge(client, allocator, fromOutside))
                        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                            assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
                            assertThat(e.status().description()).isEqualTo("exchange into task victim@" + epoch
                                    + "/1-0 refused: its plan names no upstream task 5 as a sender");
                        });
            }

            JsonNode end = TestingPipelines.awaitEnd(cluster, "victim");
            assertThat(end.path("state").asText()).as("failure: %s", end.path("failure")).isEqualTo("SUCCEEDED");
            assertThat(end.path("result").path("rows").get(0).get(0).asLong()).isEqualTo(ROWS);
        }
    }

    /** Sends 1,000 rows as upstream task 0 would, and waits for the receiver's answer. */
    private static void forge(FlightClient client, BufferAllocator allocator, String command) throws Exception {
        Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
            BigIntVector ids = (BigIntVector) batch.getVector(0);
            ids.allocateNew(1000);
            for (int i = 0; i < 1000; i++) {
                ids.set(i, i);
            }
            batch.setRowCount(1000);
            try (FlightClient.ExchangeReaderWriter exchange =
                    client.doExchange(FlightDescriptor.command(command.getBytes(StandardCharsets.UTF_8)))) {
                exchange.getWriter().start(batch);
                exchange.getWriter().putNext();
                exchange.getWriter().completed();
                while (exchange.getReader().next()) {
                    // The receiver answers with its status only.
                }
            }
        }
    }
}
