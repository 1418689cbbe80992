package dev.skein.coordinator.http;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The coordinator's web page, {@code GET /}: one HTML file and one script from the coordinator's
 * resources ({@code web/}), no build step. The script reads the REST API every second.
 */
final class WebPage {
    static final String SCRIPT_PATH = "/skein.js";

    private WebPage() {}

    static void install(RoutesConfig routes) {
        byte[] html = resource("web/index.html");
        byte[] script = resource("web/skein.js");
        routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(html));
        routes.get(SCRIPT_PATH, ctx -> ctx.contentType("text/javascript; charset=utf-8").result(script));
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the coordinator's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
