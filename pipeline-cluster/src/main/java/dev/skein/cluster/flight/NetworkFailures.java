package dev.skein.cluster.flight;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * Why a call to another node failed, in words: refused, unknown host, timed out, connection lost,
 * or the peer's own message. Used wherever a node or the command line reports a failed call.
 */
public final class NetworkFailures {
    private NetworkFailures() {}

    /** The reason for {@code failure}, read from its causes (gRPC and the JDK wrap the socket's error). */
    public static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return "unknown host" + (cause.getMessage() == null ? "" : " '" + hostOf(cause.getMessage()) + "'");
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (cause instanceof ConnectException) {
                return "connection refused (is it running, and on that port?)";
            }
            if (cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException) {
                return "timed out";
            }
            if (cause instanceof IOException && cause.getMessage() != null && cause != failure
                    && !cause.getMessage().equals("io exception")) {
                return "connection lost (" + cause.getMessage() + ")";
            }
        }
        if (failure instanceof FlightRuntimeException) {
            FlightStatusCode code = ((FlightRuntimeException) failure).status().code();
            if (code == FlightStatusCode.TIMED_OUT) {
                return "timed out";
            }
            String message = ((FlightRuntimeException) failure).status().description();
            if (code == FlightStatusCode.CANCELLED && "client cancelled".equals(message)) {
                return "the other side ended the call (client cancelled): its process stopped, its connection"
                        + " dropped, or its task was cancelled";
            }
            return code == FlightStatusCode.UNAVAILABLE ? "unavailable (" + message + ")" : message;
        }
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /** A failure to reach {@code what} at {@code address}, as one line. */
    public static String describe(String what, String address, Throwable failure) {
        return "cannot reach " + what + " at " + address + ": " + reason(failure);
    }

    private static String hostOf(String message) {
        int colon = message.indexOf(':');
        return colon > 0 ? message.substring(0, colon) : message;
    }
}
