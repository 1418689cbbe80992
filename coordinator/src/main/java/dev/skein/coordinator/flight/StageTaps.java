package dev.skein.coordinator.flight;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.IngestTicket;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.TapTicket;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.cluster.flight.ClusterCredentials;
import dev.skein.coordinator.sql.StageName;
import dev.skein.coordinator.sql.TapSource;
import dev.skein.spec.SpecParser;
import dev.skein.spec.StageSpec;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where the taps on a running stage are: one endpoint per task, at the worker that runs it, with a
 * tap ticket that carries the capability to tap that task (a worker refuses a ticket without it).
 * The schema comes from the worker running the stage's first task. Plain Flight taps and the SQL
 * {@code taps} schema both resolve stages here. Thread-safe.
 */
public final class StageTaps implements TapSource {
    /** Rows per task a SQL query over a tap reads at most (its LIMIT usually stops it much sooner). */
    static final long MAX_SQL_TAP_ROWS_PER_TASK = 10_000_000;

    private final ZkPlanStore plans;
    private final BufferAllocator allocator;
    private final ClusterCredentials credentials;
    private final DataPlaneCapabilities capabilities;

    /**
     * @param credentials what the coordinator's own calls to workers carry
     * @param capabilities how the tickets it hands out grant a tap or an ingest
     */
    public StageTaps(ZkPlanStore plans, BufferAllocator allocator, ClusterCredentials credentials,
            DataPlaneCapabilities capabilities) {
        this.plans = requireNonNull(plans, "plans is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.capabilities = requireNonNull(capabilities, "capabilities is null");
    }

    /** Every stage of every pipeline that has not ended, in plan and stage order. */
    @Override
    public List<StageName> running() {
        List<StageName> stages = new ArrayList<>();
        for (PipelinePlan plan : plans.plans()) {
            if (!plan.state().isTerminal()) {
                stageNames(plan).forEach(stage -> stages.add(new StageName(plan.pipeline(), stage)));
            }
        }
        return stages;
    }

    /** The tap on a stage (or, for stage {@code ingest}, where writers DoPut); {@code descriptor} is echoed. */
    FlightInfo info(FlightDescriptor descriptor, TapRequest request) {
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
                tapCapability(plan, stage, first.index())).encode());
        return new FlightInfo(schema, descriptor, endpoints, -1, -1);
    }

    @Override
    public Schema schemaOf(StageName stage) {
        return tap(stage, 0).getSchema();
    }

    @Override
    public ArrowReader open(StageName stage, BufferAllocator clientAllocator, Instant deadline) {
        FlightInfo info = tap(stage, MAX_SQL_TAP_ROWS_PER_TASK);
        return new MergedTapReader(clientAllocator, info.getSchema(), info.getEndpoints(), deadline,
                endpoint -> credentials.connect(clientAllocator, endpoint.getLocations().get(0)));
    }

    private FlightInfo tap(StageName stage, long limit) {
        return info(FlightDescriptor.path(stage.pipeline(), stage.stage()),
                new TapRequest(stage.pipeline(), stage.stage(), limit, false));
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
