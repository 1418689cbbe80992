package dev.skein.cli.client;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's address as a user types it: {@code host:port} or a URL ({@code http://host:port},
 * {@code grpc+tcp://host:port}); every command accepts both for every address.
 *
 * @param scheme the URL's scheme, or {@code http} when none was given
 * @param host host name or IP address
 * @param port port
 */
public record NodeAddress(String scheme, String host, int port) {
    private static final Pattern URL = Pattern.compile("([a-z][a-z0-9+.-]*)://([^/:]+|\\[[^\\]]+\\]):(\\d+)/?");
    private static final Pattern HOST_PORT = Pattern.compile("([^/:]+|\\[[^\\]]+\\]):(\\d+)");

    public NodeAddress {
        requireNonNull(scheme, "scheme is null");
        requireNonNull(host, "host is null");
    }

    /** Parses {@code text}; {@code what} names the address in the error ("--coordinator"). */
    public static NodeAddress parse(String text, String what) {
        Matcher url = URL.matcher(text.trim());
        if (url.matches()) {
            return of(url.group(1), url.group(2), url.group(3), text, what);
        }
        Matcher hostPort = HOST_PORT.matcher(text.trim());
        if (hostPort.matches()) {
            return of("http", hostPort.group(1), hostPort.group(2), text, what);
        }
        throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                what + " '" + text + "' is not an address: expected HOST:PORT or a URL such as http://HOST:PORT");
    }

    private static NodeAddress of(String scheme, String host, String port, String text, String what) {
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    what + " '" + text + "' has port " + port + ", outside 1..65535");
        }
        return new NodeAddress(scheme, host, number);
    }

    /** The REST base URL: {@code http://host:port} (or https when the user wrote https). */
    public String httpUrl() {
        return ("https".equals(scheme) ? "https" : "http") + "://" + host + ":" + port;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
