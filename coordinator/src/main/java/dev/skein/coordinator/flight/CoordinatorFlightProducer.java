package dev.skein.coordinator.flight;

import dev.skein.cluster.IngestTicket;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.TapTicket;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.flight.CallStatuses;
import dev.skein.coordinator.scheduling.PipelineService;
import dev.skein.cluster.flight.ClusterCredentials;
import dev.skein.spec.SpecParser;
import dev.skein.spec.StageSpec;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The coordinator's Flight service: taps. {@code GetFlightInfo} on a stage answers one endpoint
 * per task, at the worker that runs it, with an opaque tap ticket that carries the capability to
 * tap that task (a worker refuses a ticket without it); the client then {@code DoGet}s each
 * endpoint. The schema comes from the worker running the stage's first task.
 */
public final class CoordinatorFlightProducer extends NoOpFlightProducer {
    /** An action's body is a pipeline name: anything longer is refused before it is decoded. */
    static final int MAX_ACTION_BODY_BYTES = 256;

    private final ZkPlanStore plans;
    private final PipelineService pipelines;
    private final BufferAllocator allocator;
    private final ClusterCredentials credentials;
    private final DataPlaneCapabilities capabilities;

    /**
     * @param credentials what the coordinator's own calls to workers carry
     * @param capabilities how the tickets it hands out grant a tap or an ingest
     */
    public CoordinatorFlightProducer(ZkPlanStore plans, PipelineService pipelines, BufferAllocator allocator,
            ClusterCredentials credentials, DataPlaneCapabilities capabilities) {
        this.plans = plans;
        this.pipelines = pipelines;
        this.allocator = allocator;
        this.credentials = credentials;
        this.capabilities = capabilities;
    }

    /** {@code finish-ingest} (body: the pipeline name): the ingest input is complete. */
    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
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
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        try {
            return info(descriptor, TapRequest.from(descriptor));
        } catch (RuntimeException e) {
            throw CallStatuses.toFlight(e);
        }
    }

    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        try {
            return new SchemaResult(info(descriptor, TapRequest.from(descriptor)).getSchemaOptional().orElseThrow());
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
            for (PipelinePlan plan : plans.plans()) {
                if (plan.state().isTerminal() || !plan.pipeline().startsWith(prefix)) {
                    continue;
                }
                for (String stage : stageNames(plan)) {
                    FlightDescriptor descriptor = FlightDescriptor.path(plan.pipeline(), stage);
                    listener.onNext(info(descriptor, new TapRequest(plan.pipeline(), stage, TapTicket.DEFAULT_LIMIT,
                            false)));
                }
            }
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(CallStatuses.toFlight(e));
        }
    }

    private FlightInfo info(FlightDescriptor descriptor, TapRequest request) {
        PipelinePlan plan = plans.plan(request.pipeline())
                .orElseThrow(() -> new SkeinException(ErrorCode.NOT_FOUND, "no pipeline named '" + request.pipeline() + "'"));
        if (plan.state().isTerminal()) {
            throw new SkeinException(ErrorCode.NOT_FOUND,
                    "pipeline '" + plan.pipeline() + "' is " + plan.state() + "; only running pipelines can be tapped");
        }
        if (request.stage().equals("ingest")) {
            return ingestInfo(descriptor, plan);
        }
        List<String> stages = stageNames(plan);
        int stage = stages.indexOf(request.stage());
        if (stage < 0) {
            throw new SkeinException(ErrorCode.NOT_FOUND, "pipeline '" + plan.pipeline() + "' has no stage '"
                    + request.stage() + "'; its stages are " + String.join(", ", stages));
        }
        List<FlightEndpoint> endpoints = new ArrayList<>();
        for (TaskPlacement task : plan.tasksOf(stage)) {
            TapTicket ticket = TapTicket.of(plan.pipeline(), plan.epoch(), stage, task.index(), request.limit(),
                    request.follow(), tapCapability(plan, stage, task.index()));
            endpoints.add(new FlightEndpoint(new Ticket(ticket.encode()), Location.forGrpcInsecure(task.host(), task.port())));
        }
        TaskPlacement first = plan.tasksOf(stage).get(0);
        Schema schema = workerSchema(first, TapTicket.of(plan.pipeline(), plan.epoch(), stage, first.index(), 0, false,
                tapCapability(plan, stage, first.index())));
        return new FlightInfo(schema, descriptor, endpoints, -1, -1);
    }

    /**
     * Where writers DoPut: one endpoint per source task; its ticket bytes are the descriptor
     * command to DoPut with (or DoPut PATH [pipeline, "ingest"] to the endpoint's worker).
     */
    private FlightInfo ingestInfo(FlightDescriptor descriptor, PipelinePlan plan) {
        List<FlightEndpoint> endpoints = new ArrayList<>();
        byte[] firstCommand = null;
        for (TaskPlacement task : plan.tasksOf(0)) {
            TaskKey key = new TaskKey(plan.pipeline(), plan.epoch(), 0, task.index());
            byte[] command = IngestTicket.of(plan.pipeline(), plan.epoch(), task.index(),
                    capabilities.issue(plan.exchangeToken(), DataPlaneCapabilities.Kind.INGEST, key, -1)).encode();
            firstCommand = firstCommand == null ? command : firstCommand;
            endpoints.add(new FlightEndpoint(new Ticket(command), Location.forGrpcInsecure(task.host(), task.port())));
        }
        return new FlightInfo(workerSchema(plan.tasksOf(0).get(0), firstCommand), descriptor, endpoints, -1, -1);
    }

    private String tapCapability(PipelinePlan plan, int stage, int index) {
        return capabilities.issue(plan.exchangeToken(), DataPlaneCapabilities.Kind.TAP,
                new TaskKey(plan.pipeline(), plan.epoch(), stage, index), -1);
    }

    private Schema workerSchema(TaskPlacement task, TapTicket ticket) {
        return workerSchema(task, ticket.encode());
    }

    private Schema workerSchema(TaskPlacement task, byte[] command) {
        try (FlightClient client = credentials.connect(allocator, Location.forGrpcInsecure(task.host(), task.port()))) {
            return client.getSchema(FlightDescriptor.command(command)).getSchema();
        } catch (FlightRuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot reach worker " + task.host() + ":" + task.port(), e);
        }
    }

    private static List<String> stageNames(PipelinePlan plan) {
        List<String> names = new ArrayList<>();
        names.add("source");
        SpecParser.parse(plan.specFile(), plan.specYaml(), Path.of(plan.baseDir())).stages().stream()
                .map(StageSpec::name)
                .forEach(names::add);
        return names;
    }
}
