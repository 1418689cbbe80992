package dev.skein.worker.flight.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.skein.worker.duckdb.TableStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Statement handles are bounded and freed on close; an execution past the time limit, or whose
 * FlightInfo a client cancels, is stopped.
 */
class TestFlightSqlStatements {
    /** A query that runs for hours: a trillion-row cross product. */
    private static final String LONG_QUERY = "SELECT sum(a.range * b.range) AS s FROM range(1000000) a, range(1000000) b";

    private BufferAllocator allocator;
    private TableStore store;
    private WorkerFlightSqlProducer producer;
    private FlightServer server;
    private FlightClient flight;
    private FlightSqlClient client;

    /** A worker's Flight SQL server alone, over an in-memory table database. */
    private void start(Duration timeLimit) throws Exception {
        allocator = new RootAllocator();
        store = TableStore.open(Optional.empty(), 1, "256MB");
        producer = new WorkerFlightSqlProducer("w1", store, allocator, false, timeLimit);
        server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), producer).build().start();
        flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
        client = new FlightSqlClient(flight);
    }

    @AfterEach
    void stop() throws Exception {
        // Newest first, the allocator last: a leak fails the test.
        AutoCloseables.close(client, server, producer, store, allocator);
    }

    @Test
    void openStatementsAreBoundedAndClosingOneFreesItsPlace() throws Exception {
        start(Duration.ofMinutes(1));
        List<FlightSqlClient.PreparedStatement> open = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            open.add(client.prepare("SELECT " + i + " AS i"));
        }
        assertThatThrownBy(() -> client.prepare("SELECT 256 AS i"))
                .isInstanceOf(FlightRuntimeException.class)
                .hasMessage("worker 'w1' has 256 open SQL statements; close some (they close after 10 idle minutes)");
        open.remove(0).close();
        try (FlightSqlClient.PreparedStatement another = client.prepare("SELECT 256 AS i");
                FlightStream rows = client.getStream(another.execute().getEndpoints().get(0).getTicket())) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getRoot().contentToTSVString()).isEqualTo("i\n256\n");
        }
        AutoCloseables.close(open);
    }

    @Test
    void aQueryPastTheTimeLimitIsInterrupted() throws Exception {
        start(Duration.ofSeconds(1));
        FlightInfo info = client.execute(LONG_QUERY);
        assertThatThrownBy(() -> {
                    try (FlightStream rows = client.getStream(info.getEndpoints().get(0).getTicket())) {
                        while (rows.next()) {
                            // reads until the server ends the stream with its error
                        }
                    }
                })
                .isInstanceOf(FlightRuntimeException.class)
                .hasMessageStartingWith("the statement ran longer than the time limit of 1 s on worker 'w1' and was"
                        + " interrupted");
    }

    @Test
    void cancelFlightInfoStopsARunningQuery() throws Exception {
        start(Duration.ofMinutes(10));
        FlightInfo info = client.execute(LONG_QUERY);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<?> reading = reader.submit(() -> {
                try (FlightStream rows = client.getStream(info.getEndpoints().get(0).getTicket())) {
                    while (rows.next()) {
                        // reads until the server ends the stream
                    }
                }
                return null;
            });
            // NOT_CANCELLABLE until the DoGet has started the query.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> flight.cancelFlightInfo(new CancelFlightInfoRequest(info)).getStatus(),
                            status -> status == CancelStatus.CANCELLED);
            assertThatThrownBy(() -> reading.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(FlightRuntimeException.class)
                    .hasMessage("the statement was interrupted");
        } finally {
            reader.shutdownNow();
        }
    }
}
