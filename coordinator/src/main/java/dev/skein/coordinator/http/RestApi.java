package dev.skein.coordinator.http;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.coordinator.scheduling.PipelineService;
import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.Problem;
import dev.skein.spi.SkeinException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
 * GET    /ping                      open even with authentication on, for health checks
 * </pre>
 *
 * Errors are JSON {@code {"code": ..., "message": ..., "problems": [...]}}; the HTTP status comes
 * from the error code in exactly one place, {@link HttpStatuses}.
 */
public final class RestApi {
    /** Largest request body: a spec at its limit, UTF-8, with room to spare. */
    static final long MAX_REQUEST_BYTES = 2L << 20;

    private RestApi() {}

    public static Javalin create(PipelineService pipelines, AuthConfig auth) {
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
            config.routes.get("/api/v1/pipelines/{name}", ctx -> ctx.json(pipelines.get(ctx.pathParam("name"))));
            config.routes.put("/api/v1/pipelines/{name}", ctx -> submit(pipelines, ctx));
            config.routes.post("/api/v1/pipelines/{name}/finish-ingest",
                    ctx -> ctx.json(pipelines.finishIngest(ctx.pathParam("name"))));
            config.routes.delete("/api/v1/pipelines/{name}", ctx -> ctx.json("true".equals(ctx.queryParam("forget"))
                    ? pipelines.forget(ctx.pathParam("name"))
                    : pipelines.cancel(ctx.pathParam("name"))));
            config.routes.exception(InvalidSpecException.class, (e, ctx) -> ctx.status(400)
                    .json(error("INVALID_SPEC", "the pipeline spec is invalid",
                            e.problems().stream().map(Problem::toString).toList())));
            config.routes.exception(SkeinException.class, (e, ctx) -> ctx.status(HttpStatuses.of(e.errorCode()))
                    .json(error(e.errorCode().name(), e.getMessage(), List.of())));
        });
    }

    private static void submit(PipelineService pipelines, Context ctx) {
        String name = ctx.pathParam("name");
        String file = ctx.queryParamAsClass("file", String.class).getOrDefault(name + ".yaml");
        Optional<Path> baseDir = Optional.ofNullable(ctx.queryParam("base-dir")).map(Path::of);
        ctx.status(201).json(pipelines.submit(name, file, ctx.body(), baseDir));
    }

    private static Map<String, Object> error(String code, String message, List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("problems", problems);
        return body;
    }
}
