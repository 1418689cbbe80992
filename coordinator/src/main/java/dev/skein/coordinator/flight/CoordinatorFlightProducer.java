package dev.skein.coordinator.flight;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.TapTicket;
import dev.skein.cluster.flight.CallStatuses;
import dev.skein.cluster.flight.sql.FlightSqlMessages;
import dev.skein.coordinator.scheduling.PipelineService;
import dev.skein.coordinator.sql.StageName;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
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

/**
 * The coordinator's Flight service: taps, {@code finish-ingest}, and Flight SQL. {@code
 * GetFlightInfo} on a stage answers one endpoint per task, at the worker that runs it (see {@link
 * StageTaps}); the client then {@code DoGet}s each endpoint. Every call whose command, ticket or
 * action is Flight SQL's goes to {@link CoordinatorFlightSqlProducer}, so one port serves both.
 */
public final class CoordinatorFlightProducer extends NoOpFlightProducer {
    /** An action's body is a pipeline name: anything longer is refused before it is decoded. */
    static final int MAX_ACTION_BODY_BYTES = 256;

    private final PipelineService pipelines;
    private final StageTaps taps;
    private final CoordinatorFlightSqlProducer sql;

    public CoordinatorFlightProducer(PipelineService pipelines, StageTaps taps, CoordinatorFlightSqlProducer sql) {
        this.pipelines = requireNonNull(pipelines, "pipelines is null");
        this.taps = requireNonNull(taps, "taps is null");
        this.sql = requireNonNull(sql, "sql is null");
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        if (FlightSqlMessages.isFlightSql(ticket.getBytes())) {
            sql.getStream(context, ticket, listener);
            return;
        }
        listener.error(CallStatus.UNIMPLEMENTED.withDescription("the coordinator streams no data itself: DoGet a tap's"
                + " endpoints at their workers (GetFlightInfo [pipeline, stage] lists them)").toRuntimeException());
    }

    @Override
    public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        if (FlightSqlMessages.isFlightSql(flightStream.getDescriptor())) {
            return sql.acceptPut(context, flightStream, ackStream);
        }
        return super.acceptPut(context, flightStream, ackStream);
    }

    /** {@code finish-ingest} (body: the pipeline name): the ingest input is complete. */
    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        if (FlightSqlMessages.isFlightSqlAction(action.getType())) {
            sql.doAction(context, action, listener);
            return;
        }
        try {
            if (!action.getType().equals("finish-ingest")) {
                throw CallStatus.UNIMPLEMENTED.withDescription("unknown action '" + action.getType()
                        + "'; try 'finish-ingest'").toRuntimeException();
            }
            if (action.getBody().length > MAX_ACTION_BODY_BYTES) {
                throw new SkeinException(ErrorCode.INVALID_SPEC, "the body of 'finish-ingest' must be a pipeline name,"
                        + " at most " + MAX_ACTION_BODY_BYTES + " bytes; got " + action.getBody().length + " bytes");
            }
            String pipeline = new String(action.getBody(), StandardCharsets.UTF_8).trim();
            listener.onNext(new Result(pipelines.finishIngest(pipeline).state().getBytes(StandardCharsets.UTF_8)));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(CallStatuses.toFlight(e));
        }
    }

    @Override
    public void listActions(CallContext context, StreamListener<ActionType> listener) {
        listener.onNext(new ActionType("finish-ingest", "Body: a pipeline name. Its ingest input is complete."));
        FlightSqlUtils.FLIGHT_SQL_ACTIONS.forEach(listener::onNext);
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        if (FlightSqlMessages.isFlightSql(descriptor)) {
            return sql.getFlightInfo(context, descriptor);
        }
        try {
            return taps.info(descriptor, TapRequest.from(descriptor));
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        if (FlightSqlMessages.isFlightSql(descriptor)) {
            return sql.getSchema(context, descriptor);
        }
        try {
            return new SchemaResult(taps.info(descriptor, TapRequest.from(descriptor)).getSchemaOptional().orElseThrow());
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        String prefix = criteria.getExpression() == null
                ? ""
                : new String(criteria.getExpression(), StandardCharsets.UTF_8);
        try {
            for (StageName stage : taps.running()) {
                if (stage.pipeline().startsWith(prefix)) {
                    listener.onNext(taps.info(FlightDescriptor.path(stage.pipeline(), stage.stage()),
                            new TapRequest(stage.pipeline(), stage.stage(), TapTicket.DEFAULT_LIMIT, false)));
                }
            }
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(CallStatuses.toFlight(e));
        }
    }
}
