package dev.skein.coordinator.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.skein.cluster.flight.CallStatuses;
import dev.skein.cluster.flight.sql.CatalogFlightSqlProducer;
import dev.skein.cluster.flight.sql.DuckDbSqlInfo;
import dev.skein.cluster.flight.sql.FlightSqlMessages;
import dev.skein.cluster.flight.sql.ResultStreaming;
import dev.skein.coordinator.sql.ClusterCatalog;
import dev.skein.coordinator.sql.ClusterQuery;
import dev.skein.coordinator.sql.ClusterViews;
import dev.skein.coordinator.sql.TapSource;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightDescriptor;
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
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The coordinator as a read-only Flight SQL server over the cluster: schema {@code system}
 * ({@code pipelines}, {@code stages}, {@code tasks}, {@code workers}) and schema {@code taps}, in
 * which every stage of a running pipeline is a table {@code "pipeline.stage"} that streams the
 * stage's output (see {@link ClusterQuery}). {@code CoordinatorFlightProducer} hands it every call
 * whose command, ticket or action is Flight SQL's. A statement holds nothing between calls: its
 * handle is its text, and every execution opens its own DuckDB, so there is nothing to bound,
 * expire or leak; every execution runs under a time limit. Thread-safe.
 */
public final class CoordinatorFlightSqlProducer extends CatalogFlightSqlProducer {
    /** How long one query may run; a tap stops feeding it then. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(5);
    private static final String READ_ONLY = "the coordinator answers read-only queries only (one SELECT over the"
            + " system and taps tables); run statements that change data on a worker";

    private final ClusterViews views;
    private final TapSource taps;
    private final BufferAllocator allocator;
    private final Duration timeLimit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "coordinator-sql-time-limit");
        thread.setDaemon(true);
        return thread;
    });

    /** @param timeLimit how long one query may run before its taps end and it is interrupted */
    public CoordinatorFlightSqlProducer(ClusterViews views, TapSource taps, BufferAllocator allocator,
            Duration timeLimit) {
        this(views, taps, allocator, timeLimit, new ClusterCatalog(taps, allocator));
    }

    private CoordinatorFlightSqlProducer(ClusterViews views, TapSource taps, BufferAllocator allocator,
            Duration timeLimit, ClusterCatalog catalog) {
        super(catalog, DuckDbSqlInfo.of("Skein coordinator (DuckDB)", false, Integer.MAX_VALUE, catalog.keywords()),
                allocator);
        this.views = requireNonNull(views, "views is null");
        this.taps = requireNonNull(taps, "taps is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.timeLimit = requireNonNull(timeLimit, "timeLimit is null");
    }

    // Statements: the handle of a prepared statement and the ticket of a query are the query's text.

    @Override
    public void createPreparedStatement(ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            listener.onNext(FlightSqlMessages.preparedStatement(ByteString.copyFromUtf8(request.getQuery()),
                    describe(request.getQuery()), new Schema(List.of())));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(CallStatuses.toFlight(e));
        }
    }

    @Override
    public void closePreparedStatement(ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return queryInfo(command.getPreparedStatementHandle().toStringUtf8(), descriptor, Any.pack(command));
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return schemaResult(command.getPreparedStatementHandle().toStringUtf8());
    }

    @Override
    public void getStreamPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        stream(command.getPreparedStatementHandle().toStringUtf8(), listener);
    }

    @Override
    public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return queryInfo(command.getQuery(), descriptor, Any.pack(TicketStatementQuery.newBuilder()
                .setStatementHandle(ByteString.copyFromUtf8(command.getQuery()))
                .build()));
    }

    @Override
    public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return schemaResult(command.getQuery());
    }

    @Override
    public void getStreamStatement(TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        stream(ticket.getStatementHandle().toStringUtf8(), listener);
    }

    @Override
    public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context, FlightStream flightStream,
            StreamListener<PutResult> ackStream) {
        return () -> ackStream.onError(CallStatuses.toFlight(new SkeinException(ErrorCode.PERMISSION_DENIED, READ_ONLY)));
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> ackStream.onError(CallStatuses.toFlight(new SkeinException(ErrorCode.PERMISSION_DENIED, READ_ONLY)));
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(CommandPreparedStatementQuery command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> ackStream.onError(CallStatuses.toFlight(new SkeinException(ErrorCode.NOT_SUPPORTED,
                "the coordinator's queries take no parameters")));
    }

    private Schema describe(String query) {
        try (ClusterQuery cluster = ClusterQuery.open(query, views, taps, Instant.now().plus(timeLimit))) {
            return cluster.describe(allocator);
        }
    }

    private FlightInfo queryInfo(String query, FlightDescriptor descriptor, Message ticket) {
        try {
            return FlightSqlMessages.info(describe(query), descriptor, ticket);
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    private SchemaResult schemaResult(String query) {
        try {
            return new SchemaResult(describe(query));
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    /** Runs a query and streams its result, under the time limit. */
    private void stream(String query, ServerStreamListener listener) {
        ClusterQuery cluster;
        try {
            cluster = ClusterQuery.open(query, views, taps, Instant.now().plus(timeLimit));
        } catch (RuntimeException e) {
            listener.error(CallStatuses.toFlight(e));
            return;
        }
        ScheduledFuture<?> limit = timer.schedule(cluster::interrupt, timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        try (BufferAllocator queryAllocator = allocator.newChildAllocator("sql-query", 0, Long.MAX_VALUE)) {
            try {
                ResultStreaming.send(cluster, queryAllocator, listener);
            } finally {
                cluster.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.error(CallStatuses.toFlight(new SkeinException(ErrorCode.CANCELLED, "coordinator shutting down", e)));
        } catch (Exception e) {
            listener.error(CallStatuses.toFlight(limit.isDone() && !limit.isCancelled()
                    ? new SkeinException(ErrorCode.RESOURCES_EXHAUSTED, "the query ran longer than the time limit of "
                            + timeLimit.toSeconds() + " s and was interrupted", e)
                    : e));
        } finally {
            limit.cancel(false);
        }
    }

    /** Stops the time-limit timer. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
