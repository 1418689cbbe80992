package dev.skein.tests;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Test fixture: every RPC of Flight's {@code FlightService}, called once through Arrow's own
 * {@link FlightClient} as an external client would, counting what comes back (batches' rows,
 * results, listings), so a test can tell that a refused call returned nothing.
 */
final class TestingFlightRpcs {
    /** One RPC, called with the target's arguments; adds what it receives to {@code received}. */
    interface Rpc {
        void call(FlightClient client, Arguments arguments, CallOption[] options, AtomicLong received) throws Exception;
    }

    /**
     * What the RPCs are called with on one server.
     *
     * @param descriptor for GetFlightInfo, PollFlightInfo, GetSchema and DoExchange
     * @param ticket for DoGet
     * @param action for DoAction
     * @param putDescriptor for DoPut, which sends 3 rows of one int column
     */
    record Arguments(
            BufferAllocator allocator, FlightDescriptor descriptor, Ticket ticket, Action action,
            FlightDescriptor putDescriptor) {
        Arguments withPutDescriptor(FlightDescriptor descriptor) {
            return new Arguments(allocator, this.descriptor, ticket, action, descriptor);
        }
    }

    /** Every RPC, by its name in {@code FlightServiceGrpc}. */
    static final Map<String, Rpc> ALL = rpcs();

    private TestingFlightRpcs() {}

    private static Map<String, Rpc> rpcs() {
        Map<String, Rpc> rpcs = new LinkedHashMap<>();
        rpcs.put("Handshake", (client, arguments, options, received) -> client.handshake(options));
        rpcs.put("ListFlights", (client, arguments, options, received) -> {
            for (FlightInfo ignored : client.listFlights(Criteria.ALL, options)) {
                received.incrementAndGet();
            }
        });
        rpcs.put("GetFlightInfo", (client, arguments, options, received) -> {
            client.getInfo(arguments.descriptor(), options);
            received.incrementAndGet();
        });
        rpcs.put("PollFlightInfo", (client, arguments, options, received) -> {
            client.pollInfo(arguments.descriptor(), options);
            received.incrementAndGet();
        });
        rpcs.put("GetSchema", (client, arguments, options, received) -> {
            client.getSchema(arguments.descriptor(), options);
            received.incrementAndGet();
        });
        rpcs.put("DoGet", (client, arguments, options, received) -> {
            try (FlightStream stream = client.getStream(arguments.ticket(), options)) {
                while (stream.next()) {
                    received.addAndGet(stream.getRoot().getRowCount());
                }
            }
        });
        rpcs.put("DoPut", TestingFlightRpcs::doPut);
        rpcs.put("DoExchange", (client, arguments, options, received) -> {
            try (FlightClient.ExchangeReaderWriter exchange = client.doExchange(arguments.descriptor(), options)) {
                FlightStream reader = exchange.getReader();
                while (reader.next()) {
                    received.addAndGet(reader.getRoot().getRowCount());
                }
            }
        });
        rpcs.put("DoAction", (client, arguments, options, received) -> {
            Iterator<Result> results = client.doAction(arguments.action(), options);
            while (results.hasNext()) {
                results.next();
                received.incrementAndGet();
            }
        });
        rpcs.put("ListActions", (client, arguments, options, received) -> {
            for (ActionType ignored : client.listActions(options)) {
                received.incrementAndGet();
            }
        });
        return Collections.unmodifiableMap(rpcs);
    }

    private static void doPut(FlightClient client, Arguments arguments, CallOption[] options, AtomicLong received)
            throws Exception {
        Schema schema = new Schema(List.of(Field.nullable("x", new ArrowType.Int(32, true))));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, arguments.allocator());
                SyncPutListener results = new SyncPutListener()) {
            IntVector x = (IntVector) root.getVector("x");
            x.allocateNew(3);
            for (int i = 0; i < 3; i++) {
                x.set(i, i + 1);
            }
            root.setRowCount(3);
            FlightClient.ClientStreamListener put = client.startPut(arguments.putDescriptor(), root, results, options);
            put.putNext();
            put.completed();
            put.getResult();
            for (PutResult result = results.read(); result != null; result = results.read()) {
                result.close();
                received.incrementAndGet();
            }
        }
    }
}
