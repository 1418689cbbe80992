package dev.skein.cluster.flight;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.ClusterAuthenticator;
import dev.skein.cluster.auth.IssuedToken;
import dev.skein.cluster.auth.TokenClaims;
import dev.skein.spi.SkeinException;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.AuthUtilities;
import org.apache.arrow.flight.auth2.BasicCallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.BearerTokenAuthenticator;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Authenticates every Flight call on a node, the way Arrow's {@code
 * GeneratedBearerTokenAuthenticator} does, but with tokens signed by the cluster key instead of
 * remembered in one server's cache, so a token from any node works on every node. A call with
 * {@code Authorization: Basic} (a handshake, typically) is checked against the users file and
 * answered with {@code Authorization: Bearer <token>}; a call with a bearer token is checked by its
 * signature and expiry. Anything else fails with {@code UNAUTHENTICATED} before the producer sees
 * the call.
 */
public final class SignedTokenAuthenticator extends BearerTokenAuthenticator {
    static final String NO_CREDENTIALS = "this cluster requires authentication: handshake with Basic credentials"
            + " for a bearer token, then send 'Authorization: Bearer <token>'";

    private final ClusterAuthenticator authenticator;

    private SignedTokenAuthenticator(ClusterAuthenticator authenticator) {
        super(new BasicCallHeaderAuthenticator((user, password) -> login(authenticator, user, password)));
        this.authenticator = authenticator;
    }

    /** The authenticator for a Flight server: {@link CallHeaderAuthenticator#NO_OP} when {@code auth} is open. */
    public static CallHeaderAuthenticator of(AuthConfig auth) {
        requireNonNull(auth, "auth is null");
        return auth.enabled() ? new SignedTokenAuthenticator(ClusterAuthenticator.of(auth)) : CallHeaderAuthenticator.NO_OP;
    }

    @Override
    public AuthResult authenticate(CallHeaders incomingHeaders) {
        if (AuthUtilities.getValueFromAuthHeader(incomingHeaders, Auth2Constants.BEARER_PREFIX) == null
                && AuthUtilities.getValueFromAuthHeader(incomingHeaders, Auth2Constants.BASIC_PREFIX) == null) {
            throw CallStatus.UNAUTHENTICATED.withDescription(NO_CREDENTIALS).toRuntimeException();
        }
        return super.authenticate(incomingHeaders);
    }

    private static AuthResult login(ClusterAuthenticator authenticator, String user, String password) {
        IssuedToken issued;
        try {
            issued = authenticator.login(user, password);
        } catch (SkeinException e) {
            // A FlightRuntimeException, not a plain one: Arrow logs plain ones as errors.
            throw CallStatuses.toFlight(e);
        }
        return new SignedResult(issued.claims().subject(), issued.token());
    }

    @Override
    protected AuthResult getAuthResultWithBearerToken(AuthResult authResult) {
        // login() already made a result that writes the token.
        return authResult;
    }

    @Override
    protected AuthResult validateBearer(String bearerToken) {
        TokenClaims claims;
        try {
            claims = authenticator.verify(bearerToken);
        } catch (SkeinException e) {
            throw CallStatuses.toFlight(e);
        }
        return new SignedResult(claims.subject(), bearerToken);
    }

    /** A caller's identity, and the token that the response headers carry back. */
    private record SignedResult(String subject, String token) implements AuthResult {
        @Override
        public String getPeerIdentity() {
            return subject;
        }

        @Override
        public void appendToOutgoingHeaders(CallHeaders outgoingHeaders) {
            if (AuthUtilities.getValueFromAuthHeader(outgoingHeaders, Auth2Constants.BEARER_PREFIX) == null) {
                outgoingHeaders.insert(Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BEARER_PREFIX + token);
            }
        }
    }
}
