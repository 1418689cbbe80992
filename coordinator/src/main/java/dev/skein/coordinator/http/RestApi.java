package dev.skein.coordinator.http;

import dev.skein.cluster.ZkLeadership;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.coordinator.monitoring.CoordinatorMetrics;
import dev.skein.coordinator.monitoring.WorkerViews;
import dev.skein.coordinator.scheduling.PipelineService;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.Placement;
import dev.skein.spec.Problem;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's REST API:
 *
 * <pre>
 * PUT    /api/v1/pipelines/{name}   YAML body; ?file=NAME for messages, ?base-dir=DIR for relative paths
 *                                   (inside a data root; default: the first data root)
 * GET    /api/v1/pipelines
 * GET    /api/v1/pipelines/{name}
 * POST   /api/v1/pipelines/{name}/finish-ingest   ingest input complete: flush and commit
 * DELETE /api/v1/pipelines/{name}   cancels; with ?forget=true removes a finished pipeline instead
 * POST   /api/v1/token              Basic credentials in, a bearer token out (see {@link RestAuthentication})
 * GET    /api/v1/leader             which coordinator answers, whether it leads, and the leader's term and address
 * GET    /api/v1/cluster            {"flightPort": N}: where taps are asked for
 * GET    /api/v1/workers            live workers: address, tasks, metrics URL, heap and Arrow memory
 * GET    /metrics                   Prometheus text: workers, pipelines by state, the JVM
 * GET    /                          the web page ({@link WebPage})
 * GET    /ping                      open even with authentication on, for health checks
 * </pre>
 *
 * Every coordinator answers every call: reads from ZooKeeper, and on a coordinator that does not
 * lead, the calls that change something are forwarded to the leader ({@link LeaderForwarding}).
 *
 * Errors are JSON {@code {"code": ..., "message": ..., "problems": [...]}}; the HTTP status comes
 * from the error code in exactly one place, {@link HttpStatuses}.
 */
public final class RestApi {
    /** Largest request body: a spec at its limit, UTF-8, with room to spare. */
    static final long MAX_REQUEST_BYTES = 2L << 20;

    private RestApi() {}

    public static Javalin create(PipelineService pipelines, ZkLeadership leadership, WorkerViews workers,
            CoordinatorMetrics metrics, int flightPort, AuthConfig auth) {
        LeaderForwarding leader = new LeaderForwarding(leadership);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            // a spec is at most 1 MiB (SpecLimits); the rest of the API takes no body worth more
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.jsonMapper(new JavalinJackson().updateMapper(mapper ->
                    mapper.registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())));
            RestAuthentication.install(config.routes, auth);
            config.routes.get("/ping", ctx -> ctx.result("pong"));
            config.routes.get("/api/v1/pipelines", ctx -> ctx.json(pipelines.list()));
            config.routes.get("/api/v1/workers", ctx -> ctx.json(workers.list()));
            config.routes.get("/api/v1/cluster", ctx -> ctx.json(Map.of("flightPort", flightPort)));
            config.routes.get("/metrics", ctx -> ctx.contentType(CoordinatorMetrics.CONTENT_TYPE).result(metrics.scrape()));
            WebPage.install(config.routes);
            config.routes.get("/api/v1/pipelines/{name}", ctx -> ctx.json(pipelines.get(ctx.pathParam("name"))));
            config.routes.get("/api/v1/leader", ctx -> ctx.json(leaderView(leadership)));
            config.routes.put("/api/v1/pipelines/{name}", ctx -> {
                if (!leader.forwarded(ctx)) {
                    submit(pipelines, ctx);
                }
            });
            config.routes.post("/api/v1/pipelines/{name}/finish-ingest", ctx -> {
                if (!leader.forwarded(ctx)) {
                    ctx.json(pipelines.finishIngest(ctx.pathParam("name")));
                }
            });
            config.routes.delete("/api/v1/pipelines/{name}", ctx -> {
                if (!leader.forwarded(ctx)) {
                    ctx.json("true".equals(ctx.queryParam("forget"))
                            ? pipelines.forget(ctx.pathParam("name"))
                            : pipelines.cancel(ctx.pathParam("name")));
                }
            });
            config.routes.exception(InvalidSpecException.class, (e, ctx) -> ctx.status(400)
                    .json(error("INVALID_SPEC", "the pipeline spec is invalid",
                            e.problems().stream().map(Problem::toString).toList())));
            config.routes.exception(SkeinException.class, (e, ctx) -> ctx.status(HttpStatuses.of(e.errorCode()))
                    .json(error(e.errorCode().name(), e.getMessage(), List.of())));
        });
    }

    private static Placement placement(String name) {
        try {
            return Placement.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    "unknown placement '" + name + "'; known: chain, spread");
        }
    }

    private static void submit(PipelineService pipelines, Context ctx) {
        String name = ctx.pathParam("name");
        String file = ctx.queryParamAsClass("file", String.class).getOrDefault(name + ".yaml");
        Optional<Path> baseDir = Optional.ofNullable(ctx.queryParam("base-dir")).map(Path::of);
        Optional<Placement> placement = Optional.ofNullable(ctx.queryParam("placement")).map(RestApi::placement);
        ctx.status(201).json(pipelines.submit(name, file, ctx.body(), baseDir, placement));
    }

    /** {@code {"coordinator": id, "leading": bool, "leader": {term, coordinatorId, restUrl, flightAddress} | null}}. */
    private static Map<String, Object> leaderView(ZkLeadership leadership) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("coordinator", leadership.participantId());
        body.put("leading", leadership.isLeader());
        body.put("leader", leadership.leader().orElse(null));
        return body;
    }

    private static Map<String, Object> error(String code, String message, List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("problems", problems);
        return body;
    }
}
