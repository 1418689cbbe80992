package dev.skein.spi;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of Skein: an {@link ErrorCode} and a message that names the object and
 * quotes the value. Unchecked.
 */
public class SkeinException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /**
     * @param errorCode what kind of error
     * @param message for the user: names the object, quotes the value
     */
    public SkeinException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    /**
     * @param errorCode what kind of error
     * @param message for the user: names the object, quotes the value
     * @param cause the underlying failure
     */
    public SkeinException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    /** What kind of error this is. */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
