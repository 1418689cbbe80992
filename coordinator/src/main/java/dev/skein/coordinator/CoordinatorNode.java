package dev.skein.coordinator;

import dev.skein.cluster.LeaderTerm;
import dev.skein.cluster.LeadershipListener;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkLeadership;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.cluster.flight.ClusterCredentials;
import dev.skein.cluster.flight.SignedTokenAuthenticator;
import dev.skein.coordinator.binding.SqlBinder;
import dev.skein.coordinator.flight.CoordinatorFlightProducer;
import dev.skein.coordinator.flight.CoordinatorFlightSqlProducer;
import dev.skein.coordinator.flight.StageTaps;
import dev.skein.coordinator.http.RestApi;
import dev.skein.coordinator.monitoring.CoordinatorMetrics;
import dev.skein.coordinator.monitoring.WorkerView;
import dev.skein.coordinator.monitoring.WorkerViews;
import dev.skein.coordinator.scheduling.PipelineService;
import dev.skein.coordinator.scheduling.PipelineSupervisor;
import dev.skein.coordinator.scheduling.PipelineView;
import dev.skein.coordinator.sql.ClusterViews;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import io.javalin.Javalin;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: serves the REST API and Flight at once, and supervises pipelines while it
 * leads. Any number may run; the others stand by until the leader goes.
 */
public final class CoordinatorNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorNode.class);
    private static final Duration LAST_WRITES_BUDGET = Duration.ofSeconds(2);
    /** The coordinator's Flight calls carry tickets, descriptors and names: small. */
    private static final int MAX_FLIGHT_MESSAGE_BYTES = 4 << 20;

    private final CoordinatorConfig config;
    private final AuthConfig auth;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private volatile ZkCluster cluster;
    private Javalin http;
    private FlightServer flight;
    private PipelineService pipelines;
    private ZkLeadership leadership;
    private volatile boolean closed;

    private CoordinatorNode(CoordinatorConfig config, AuthConfig auth) {
        this.config = config;
        this.auth = auth;
    }

    /** Starts a coordinator open to anyone who reaches its ports (it warns so). */
    public static CoordinatorNode start(CoordinatorConfig config) {
        return start(config, AuthConfig.open());
    }

    /** Starts a coordinator whose REST and Flight calls are authenticated as {@code auth} says. */
    public static CoordinatorNode start(CoordinatorConfig config, AuthConfig auth) {
        CoordinatorNode node = new CoordinatorNode(config, auth);
        try {
            node.startAll();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void startAll() {
        cluster = own(ZkCluster.connect(config.zookeeper()));
        ZkWorkerRegistry workers = own(cluster.workerRegistry()).start();
        ZkPlanStore plans = own(cluster.planStore());
        ZkLeadership leadership = cluster.leadership(config.id());
        PipelineSupervisor supervisor =
                own(new PipelineSupervisor(plans, workers, config.retention(), leadership::isLeader));
        plans.addListener(supervisor);
        plans.start();
        supervisor.start();
        TransformLoader transforms = own(TransformLoader.of(config.pluginsDirectory()));
        SqlBinder binder = own(SqlBinder.open(transforms, config.dataRoots()));
        pipelines = new PipelineService(plans, leadership, workers, binder, config.dataRoots(), config.specLimits());
        BufferAllocator allocator = own(new RootAllocator());
        WorkerViews workerViews = new WorkerViews(workers, pipelines);
        StageTaps taps = new StageTaps(plans, allocator, ClusterCredentials.of(auth, config.id()),
                DataPlaneCapabilities.of(auth));
        CoordinatorFlightSqlProducer sql = own(new CoordinatorFlightSqlProducer(new ClusterViews() {
            @Override
            public List<PipelineView> pipelines() {
                return pipelines.list();
            }

            @Override
            public List<WorkerView> workers() {
                return workerViews.list();
            }
        }, taps, allocator, CoordinatorFlightSqlProducer.DEFAULT_TIME_LIMIT));
        flight = own(FlightServer.builder(allocator, Location.forGrpcInsecure(config.bindHost(), config.flightPort()),
                        new CoordinatorFlightProducer(pipelines, taps, sql))
                .headerAuthenticator(SignedTokenAuthenticator.of(auth))
                .maxInboundMessageSize(MAX_FLIGHT_MESSAGE_BYTES)
                .build());
        try {
            flight.start();
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL,
                    "cannot serve Flight on " + config.bindHost() + ":" + config.flightPort() + ": " + e.getMessage(), e);
        }
        CoordinatorMetrics metrics = own(new CoordinatorMetrics(config.id(), workers, pipelines));
        http = RestApi.create(pipelines, leadership, workerViews, metrics, flight.getPort(), auth);
        own(http::stop);
        http.start(config.bindHost(), config.httpPort());
        if (!auth.enabled()) {
            log.warn("coordinator '{}' runs WITHOUT authentication: anyone who reaches its ports can submit, cancel and"
                    + " tap pipelines; start it with --auth (see README, Authentication)", config.id());
        }
        // Joins the election last, once its ports are known, and leaves it first on close, so a
        // standby takes over without waiting for this node's session to expire. It serves REST
        // and Flight while it stands by, for as long as it runs.
        String host = config.advertiseHost();
        this.leadership = own(leadership).start("http://" + host + ":" + http.port(), host + ":" + flight.getPort(),
                new LeadershipListener() {
                    @Override
                    public void leading(LeaderTerm term) {
                        supervisor.adopt();
                    }

                    @Override
                    public void standingBy() {
                        // The supervisor and the service ask the leadership before each step.
                    }
                });
        log.info("coordinator '{}' serving http://{}:{} and Flight on port {}; waiting to lead", config.id(),
                config.bindHost(), http.port(), flight.getPort());
    }

    /** Waits until this coordinator leads; false if {@code timeout} passed first. */
    public boolean awaitLeadership(Duration timeout) {
        return leadership.awaitLeadership(timeout);
    }

    /** True while this coordinator leads. */
    public boolean isLeader() {
        return leadership.isLeader();
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /** The HTTP port actually bound (useful with port 0). */
    public int httpPort() {
        return http.port();
    }

    /** The Flight port actually bound (taps, Flight SQL). */
    public int flightPort() {
        return flight.getPort();
    }

    public PipelineService pipelines() {
        return pipelines;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ZkCluster zk = cluster;
        if (zk != null) {
            // Last status writes are best effort: with ZooKeeper gone, Curator's retries would
            // keep the process from stopping for minutes.
            zk.beginShutdown(LAST_WRITES_BUDGET);
        }
        try {
            AutoCloseables.close(resources);
        } catch (Exception e) {
            log.warn("coordinator '{}' did not shut down cleanly", config.id(), e);
        }
        resources.clear();
    }
}
