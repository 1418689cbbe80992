package dev.skein.worker.flight.sql;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.skein.cluster.flight.CallStatuses;
import dev.skein.cluster.flight.sql.CatalogFlightSqlProducer;
import dev.skein.cluster.flight.sql.DuckDbSqlInfo;
import dev.skein.cluster.flight.sql.FlightSqlMessages;
import dev.skein.cluster.flight.sql.ResultStreaming;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.PreparedSql;
import dev.skein.worker.duckdb.TableStore;
import java.time.Duration;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutPreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The worker as a Flight SQL server over its table database (the tables {@code DoPut [table]} and
 * the {@code duckdb} sink write), on the worker's own Flight port: {@code WorkerFlightProducer}
 * hands it every call whose command or ticket is a Flight SQL message ({@link FlightSqlMessages#isFlightSql}).
 * Queries (one SELECT) are always allowed; statements that change data only when the worker runs
 * with {@code --allow-sql-writes}. Every statement runs on a DuckDB connection of its own, confined
 * like the rest of the table database; open statements are bounded and time-limited ({@link
 * OpenStatements}). Thread-safe.
 */
public final class WorkerFlightSqlProducer extends CatalogFlightSqlProducer {
    /** How long one execution (a query with its results, or an update) may run. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(15);

    private final BufferAllocator allocator;
    private final OpenStatements statements;

    public WorkerFlightSqlProducer(String workerId, TableStore store, BufferAllocator allocator, boolean writesAllowed) {
        this(workerId, store, allocator, writesAllowed, DEFAULT_TIME_LIMIT);
    }

    /** @param timeLimit how long one execution may run before it is interrupted */
    public WorkerFlightSqlProducer(String workerId, TableStore store, BufferAllocator allocator, boolean writesAllowed,
            Duration timeLimit) {
        super(store.catalog(allocator), DuckDbSqlInfo.of("Skein worker " + workerId + " (DuckDB)", writesAllowed,
                OpenStatements.MAX_STATEMENTS, store.catalog(allocator).keywords()), allocator);
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.statements = new OpenStatements(workerId, store, allocator, writesAllowed, timeLimit);
    }

    // Statements.

    @Override
    public void createPreparedStatement(ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            ByteString handle = statements.open(request.getQuery(), false);
            PreparedSql sql = statements.get(handle).sql();
            listener.onNext(FlightSqlMessages.preparedStatement(handle, sql.resultSchema(), sql.parameterSchema()));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(CallStatuses.toFlight(e));
        }
    }

    @Override
    public void closePreparedStatement(ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        statements.close(request.getPreparedStatementHandle());
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try {
            PreparedSql sql = statements.get(command.getPreparedStatementHandle()).sql();
            return FlightSqlMessages.info(sql.resultSchema(), descriptor, Any.pack(command));
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try {
            return new SchemaResult(statements.get(command.getPreparedStatementHandle()).sql().resultSchema());
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public void getStreamPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        stream(command.getPreparedStatementHandle(), listener);
    }

    @Override
    public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try {
            ByteString handle = statements.open(command.getQuery(), true);
            PreparedSql sql = statements.get(handle).sql();
            if (!sql.isQuery()) {
                statements.close(handle);
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the statement changes data and returns no rows;"
                        + " execute it as an update");
            }
            TicketStatementQuery ticket = TicketStatementQuery.newBuilder().setStatementHandle(handle).build();
            return FlightSqlMessages.info(sql.resultSchema(), descriptor, Any.pack(ticket));
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try (PreparedSql sql = statements.prepareOnce(command.getQuery())) {
            return new SchemaResult(sql.resultSchema());
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public void getStreamStatement(TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        stream(ticket.getStatementHandle(), listener);
    }

    @Override
    public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context, FlightStream flightStream,
            StreamListener<PutResult> ackStream) {
        return () -> {
            try (PreparedSql sql = statements.prepareOnce(command.getQuery())) {
                long changed = statements.limited(sql, sql::update);
                acknowledge(ackStream, DoPutUpdateResult.newBuilder().setRecordCount(changed).build());
            } catch (RuntimeException e) {
                ackStream.onError(CallStatuses.toFlight(e));
            }
        };
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                PreparedSql sql = statements.get(command.getPreparedStatementHandle()).sql();
                long changed = 0;
                boolean bound = false;
                while (flightStream.next()) {
                    VectorSchemaRoot parameters = flightStream.getRoot();
                    for (int row = 0; row < parameters.getRowCount(); row++) {
                        sql.bind(parameters, row);
                        changed += statements.limited(sql, sql::update);
                        bound = true;
                    }
                }
                if (!bound) {
                    changed = statements.limited(sql, sql::update);
                }
                acknowledge(ackStream, DoPutUpdateResult.newBuilder().setRecordCount(changed).build());
            } catch (RuntimeException e) {
                ackStream.onError(CallStatuses.toFlight(e));
            }
        };
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(CommandPreparedStatementQuery command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                PreparedSql sql = statements.get(command.getPreparedStatementHandle()).sql();
                while (flightStream.next()) {
                    VectorSchemaRoot parameters = flightStream.getRoot();
                    if (parameters.getRowCount() > 1) {
                        throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "a query binds one row of parameters per"
                                + " execution, got " + parameters.getRowCount());
                    }
                    if (parameters.getRowCount() == 1) {
                        sql.bind(parameters, 0);
                    }
                }
                acknowledge(ackStream, DoPutPreparedStatementResult.newBuilder()
                        .setPreparedStatementHandle(command.getPreparedStatementHandle())
                        .build());
            } catch (RuntimeException e) {
                ackStream.onError(CallStatuses.toFlight(e));
            }
        };
    }

    @Override
    public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context,
            StreamListener<CancelStatus> listener) {
        boolean cancelled = false;
        for (FlightEndpoint endpoint : request.getInfo().getEndpoints()) {
            try {
                Any any = Any.parseFrom(endpoint.getTicket().getBytes());
                ByteString handle = any.is(TicketStatementQuery.class)
                        ? any.unpack(TicketStatementQuery.class).getStatementHandle()
                        : any.is(CommandPreparedStatementQuery.class)
                                ? any.unpack(CommandPreparedStatementQuery.class).getPreparedStatementHandle()
                                : null;
                cancelled |= handle != null
                        && statements.find(handle).map(statement -> statement.sql().interrupt()).orElse(false);
            } catch (InvalidProtocolBufferException e) {
                // Not one of this server's tickets: nothing of it runs here.
            }
        }
        listener.onNext(cancelled ? CancelStatus.CANCELLED : CancelStatus.NOT_CANCELLABLE);
        listener.onCompleted();
    }

    // Helpers.

    /** Streams an open statement's result under the time limit (see {@link ResultStreaming}). */
    private void stream(ByteString handle, ServerStreamListener listener) {
        OpenStatements.Statement statement;
        try {
            statement = statements.get(handle);
        } catch (RuntimeException e) {
            listener.error(CallStatuses.toFlight(e));
            return;
        }
        OpenStatements.TimeLimit limit = statements.startTimeLimit(statement.sql());
        try {
            ResultStreaming.send(statement.sql(), allocator, listener);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.error(CallStatuses.toFlight(new SkeinException(ErrorCode.CANCELLED, "worker shutting down", e)));
        } catch (Exception e) {
            listener.error(CallStatuses.toFlight(limit.explain(e)));
        } finally {
            limit.cancel();
            if (statement.oneShot()) {
                statements.close(handle);
            }
        }
    }

    private void acknowledge(StreamListener<PutResult> ackStream, Message result) {
        byte[] bytes = result.toByteArray();
        try (ArrowBuf metadata = allocator.buffer(bytes.length)) {
            metadata.writeBytes(bytes);
            ackStream.onNext(PutResult.metadata(metadata));
        }
        ackStream.onCompleted();
    }

    /** Closes every open statement. */
    @Override
    public void close() {
        statements.close();
    }
}
