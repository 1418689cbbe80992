package dev.skein.coordinator.http;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.ClusterAuthenticator;
import dev.skein.cluster.auth.IssuedToken;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The REST API's authentication, the same as on the Flight ports: every call carries
 * {@code Authorization: Bearer <token>} (a token from any node of the cluster) or {@code Basic}
 * credentials; {@code POST /api/v1/token} with Basic credentials hands out a token. {@code GET
 * /ping} stays open so health checks need no secret; it tells nothing but that the node is up.
 */
final class RestAuthentication {
    static final String TOKEN_PATH = "/api/v1/token";

    // The web page's files hold no data: the page asks for a token when its API calls are refused.
    private static final Set<String> OPEN_PATHS = Set.of("/ping", TOKEN_PATH, "/", WebPage.SCRIPT_PATH);
    private static final String CHALLENGE = "Bearer realm=\"skein\", Basic realm=\"skein\"";
    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    private RestAuthentication() {}

    /** Adds the before-handler and the token endpoint; with {@code auth} open, only an endpoint that says so. */
    static void install(RoutesConfig routes, AuthConfig auth) {
        if (!auth.enabled()) {
            routes.post(TOKEN_PATH, ctx -> {
                throw new SkeinException(ErrorCode.NOT_FOUND, "authentication is off on this coordinator; calls need no token");
            });
            return;
        }
        ClusterAuthenticator authenticator = ClusterAuthenticator.of(auth);
        routes.before(ctx -> {
            if (!OPEN_PATHS.contains(ctx.path())) {
                authenticate(authenticator, ctx);
            }
        });
        routes.post(TOKEN_PATH, ctx -> {
            String[] credentials = basicCredentials(ctx).orElseThrow(() -> refused(ctx,
                    "POST " + TOKEN_PATH + " needs Basic credentials (user and password)"));
            IssuedToken issued = login(authenticator, ctx, credentials);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", issued.token());
            body.put("user", issued.claims().subject());
            body.put("expiresAt", issued.claims().expiresAt().toString());
            ctx.json(body);
        });
    }

    /** Returns if the call carries a valid token or a user's password; throws UNAUTHENTICATED if not. */
    private static void authenticate(ClusterAuthenticator authenticator, Context ctx) {
        String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
        if (startsWithIgnoringCase(header, BEARER)) {
            try {
                authenticator.verify(header.substring(BEARER.length()).strip());
                return;
            } catch (SkeinException e) {
                throw refused(ctx, e.getMessage());
            }
        }
        Optional<String[]> basic = basicCredentials(ctx);
        if (basic.isPresent()) {
            login(authenticator, ctx, basic.get());
            return;
        }
        throw refused(ctx, "this coordinator requires authentication: POST " + TOKEN_PATH
                + " with Basic credentials for a token, then send 'Authorization: Bearer <token>'");
    }

    private static IssuedToken login(ClusterAuthenticator authenticator, Context ctx, String[] credentials) {
        try {
            return authenticator.login(credentials[0], credentials[1], ctx.ip());
        } catch (SkeinException e) {
            throw refused(ctx, e.getMessage());
        }
    }

    /** {@code [user, password]} from {@code Authorization: Basic}, if that is what the call carries. */
    private static Optional<String[]> basicCredentials(Context ctx) {
        String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
        if (!startsWithIgnoringCase(header, BASIC)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw refused(ctx, "malformed Basic credentials (not base64)");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw refused(ctx, "malformed Basic credentials (expected user:password)");
        }
        return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    private static boolean startsWithIgnoringCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static SkeinException refused(Context ctx, String message) {
        ctx.header("WWW-Authenticate", CHALLENGE);
        return new SkeinException(ErrorCode.UNAUTHENTICATED, message);
    }
}
