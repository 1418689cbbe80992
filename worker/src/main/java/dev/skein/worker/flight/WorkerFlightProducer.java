package dev.skein.worker.flight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.cluster.IngestTicket;
import dev.skein.cluster.TapTicket;
import dev.skein.cluster.flight.CallStatuses;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.exchange.ExchangeCommand;
import dev.skein.worker.exchange.InboundExchange;
import dev.skein.worker.exchange.TaskInbox;
import dev.skein.cluster.flight.sql.FlightSqlMessages;
import dev.skein.worker.flight.sql.WorkerFlightSqlProducer;
import dev.skein.worker.task.Task;
import dev.skein.worker.task.WorkerTasks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlUtils;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The worker's Flight service. {@code DoExchange} is the data plane: an upstream task streams
 * batches into a local task's inbox. {@code DoAction} answers {@code ping} and {@code
 * healthcheck}. Every call whose command, ticket or action is Flight SQL's goes to {@link
 * WorkerFlightSqlProducer}, so one port serves Skein's own clients and SQL clients.
 */
public final class WorkerFlightProducer extends NoOpFlightProducer implements AutoCloseable {
    /** How long an exchange waits for the plan that names its task to reach this worker. */
    private static final Duration TASK_ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

    /** A tap names a task that runs now; it does not wait long for one that may never come. */
    private static final Duration TAP_LOOKUP_TIMEOUT = Duration.ofSeconds(2);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String workerId;
    private final WorkerTasks tasks;
    private final BufferAllocator allocator;
    private final TableService tables;
    private final DataPlaneGate gate;
    private final WorkerFlightSqlProducer sql;
    private final long startedAtMillis = System.currentTimeMillis();

    public WorkerFlightProducer(
            String workerId, WorkerTasks tasks, BufferAllocator allocator, TableStore tables, boolean allowSql,
            boolean allowSqlWrites) {
        this.workerId = workerId;
        this.tasks = tasks;
        this.allocator = allocator;
        this.tables = new TableService(tables, allocator, allowSql, workerId);
        this.gate = new DataPlaneGate(tasks);
        this.sql = new WorkerFlightSqlProducer(workerId, tables, allocator, allowSqlWrites);
    }

    @Override
    public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
        ExchangeCommand command;
        Task task;
        TaskInbox inbox;
        try {
            command = ExchangeCommand.decode(reader.getDescriptor().getCommand());
            task = gate.exchange(command, TASK_ARRIVAL_TIMEOUT);
            inbox = task.inbox().orElseThrow(() -> new SkeinException(
                    ErrorCode.INVALID_ARGUMENT, "task " + command.target() + " is a source and takes no input"));
        } catch (RuntimeException e) {
            writer.error(CallStatuses.toFlight(e));
            return;
        }
        InboundExchange.receive(command.from(), task.wiring().senderLabel(command.from()), inbox, reader, writer);
    }

    /** A tap on a task's output from now on (see {@link TapStreamer}), or a table or query. */
    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        if (FlightSqlMessages.isFlightSql(ticket.getBytes())) {
            sql.getStream(context, ticket, listener);
            return;
        }
        try {
            JsonNode json = ticketJson(ticket.getBytes());
            if ("tap".equals(json.path("kind").asText())) {
                TapTicket tap = TapTicket.decode(ticket.getBytes());
                Task task = gate.tap(tap, TAP_LOOKUP_TIMEOUT);
                TapStreamer.stream(task.taps(), tap, allocator, listener);
            } else {
                tables.stream(MAPPER.treeToValue(json, TableService.TableTicket.class), listener);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.error(CallStatus.CANCELLED.withDescription("worker shutting down").toRuntimeException());
        } catch (Exception e) {
            listener.error(CallStatuses.toFlight(e));
        }
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        if (FlightSqlMessages.isFlightSql(descriptor)) {
            return sql.getFlightInfo(context, descriptor);
        }
        try {
            return tables.info(descriptor);
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        try {
            for (String table : tables.tables()) {
                listener.onNext(tables.tableInfo(table));
            }
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(CallStatuses.toFlight(e));
        }
    }

    /**
     * DoPut: into an ingest pipeline (CMD: the ingest ticket from the coordinator), or
     * appended to the table PATH [table] names, in one transaction. Acknowledged once, with the rows
     * taken, as JSON app metadata.
     */
    @Override
    public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ackStream) {
        if (FlightSqlMessages.isFlightSql(stream.getDescriptor())) {
            return sql.acceptPut(context, stream, ackStream);
        }
        return () -> {
            try {
                FlightDescriptor descriptor = stream.getDescriptor();
                List<String> path = descriptor.isCommand() ? List.of() : descriptor.getPath();
                JsonNode command = descriptor.isCommand() ? ticketJson(descriptor.getCommand()) : MAPPER.nullNode();
                String ack;
                if (IngestReceiver.isIngest(path, command)) {
                    long rows = IngestReceiver.receive(gate, stream);
                    ack = "{\"ingested\":" + rows + "}";
                } else if (path.size() == 1) {
                    long rows = tables.append(path.get(0), stream);
                    ack = "{\"table\":\"" + path.get(0) + "\",\"rows\":" + rows + "}";
                } else {
                    throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                            "DoPut expects the path [table] or [pipeline, \"ingest\"], got "
                                    + (descriptor.isCommand() ? "a command" : path.toString()));
                }
                byte[] bytes = ack.getBytes(StandardCharsets.UTF_8);
                try (ArrowBuf metadata = allocator.buffer(bytes.length)) {
                    metadata.writeBytes(bytes);
                    ackStream.onNext(PutResult.metadata(metadata));
                }
                ackStream.onCompleted();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ackStream.onError(CallStatus.CANCELLED.withDescription("worker shutting down").toRuntimeException());
            } catch (Exception e) {
                ackStream.onError(CallStatuses.toFlight(e));
            }
        };
    }

    private static JsonNode ticketJson(byte[] bytes) {
        JsonNode json;
        try {
            json = bytes == null || bytes.length == 0 ? null : MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "not a Skein ticket: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the ticket is empty or names no kind; expected"
                    + " {\"version\":1,\"kind\":\"table\",\"table\":\"NAME\"} from GetFlightInfo, or a tap ticket");
        }
        return json;
    }

    /** The schema of a task's output, for a tap ticket given as the descriptor's command. */
    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        if (FlightSqlMessages.isFlightSql(descriptor)) {
            return sql.getSchema(context, descriptor);
        }
        try {
            String kind = descriptor.isCommand() ? ticketJson(descriptor.getCommand()).path("kind").asText() : "";
            if (kind.equals("ingest")) {
                Task task = IngestReceiver.task(gate, IngestTicket.decode(descriptor.getCommand()));
                return new SchemaResult(task.awaitIngestSchema());
            }
            if (!kind.equals("tap")) {
                return new SchemaResult(tables.info(descriptor).getSchemaOptional().orElseThrow());
            }
            TapTicket tap = TapTicket.decode(descriptor.getCommand());
            return new SchemaResult(TapStreamer.awaitSchema(gate.tap(tap, TAP_LOOKUP_TIMEOUT).taps()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CallStatus.CANCELLED.withDescription("worker shutting down").toRuntimeException();
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public void listActions(CallContext context, StreamListener<ActionType> listener) {
        listener.onNext(new ActionType("ping", "Answers 'pong'."));
        listener.onNext(new ActionType("healthcheck", "Worker id, uptime, tasks and memory, as JSON."));
        listener.onNext(new ActionType("list-tables", "The worker's tables with their row counts, as JSON."));
        FlightSqlUtils.FLIGHT_SQL_ACTIONS.forEach(listener::onNext);
        listener.onCompleted();
    }

    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        if (FlightSqlMessages.isFlightSqlAction(action.getType())) {
            sql.doAction(context, action, listener);
            return;
        }
        switch (action.getType()) {
            case "ping" -> {
                listener.onNext(new Result("pong".getBytes(StandardCharsets.UTF_8)));
                listener.onCompleted();
            }
            case "healthcheck" -> {
                listener.onNext(new Result(healthcheck()));
                listener.onCompleted();
            }
            case "list-tables" -> {
                Map<String, Long> counts = new LinkedHashMap<>();
                for (String table : tables.tables()) {
                    counts.put(table, tables.tableInfo(table).getRecords());
                }
                listener.onNext(new Result(json(counts)));
                listener.onCompleted();
            }
            default -> listener.onError(CallStatus.UNIMPLEMENTED
                    .withDescription("unknown action '" + action.getType() + "'; try 'ping', 'healthcheck' or 'list-tables'")
                    .toRuntimeException());
        }
    }

    private byte[] healthcheck() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("worker", workerId);
        health.put("uptime_ms", System.currentTimeMillis() - startedAtMillis);
        health.put("tasks", tasks.tasks().stream().map(task -> task.wiring().key() + " " + task.state()).toList());
        long now = System.currentTimeMillis();
        health.put("running_queries", tasks.tasks().stream()
                .flatMap(task -> task.runningQuery().stream().map(query -> Map.of(
                        "task", task.wiring().key().toString(),
                        "seconds", (now - query.sinceMillis()) / 1000.0,
                        "sql", query.sql().length() > 200 ? query.sql().substring(0, 200) + "..." : query.sql())))
                .toList());
        health.put("arrow_allocated_bytes", allocator.getAllocatedMemory());
        health.put("heap_used_bytes", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        return json(health);
    }

    private static byte[] json(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot encode an action result", e);
        }
    }

    /** Closes the SQL clients' open statements. */
    @Override
    public void close() {
        sql.close();
    }
}
