package dev.skein.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;

/**
 * The ticket of a tap on one task's output: versioned JSON naming the task, never SQL. The
 * coordinator hands it out, the worker running the task redeems it.
 *
 * @param version format version, {@link #VERSION}
 * @param kind always {@code "tap"}, so other ticket kinds can be told apart
 * @param pipeline pipeline name
 * @param epoch plan epoch
 * @param stage stage position (0 = source)
 * @param index task index
 * @param limit rows to send before ending, unless following
 * @param follow send until the task's output ends, ignoring the limit
 * @param capability what the coordinator grants the holder: a tap on this task (see {@link
 *     dev.skein.cluster.auth.DataPlaneCapabilities}); the worker refuses a ticket without it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TapTicket(
        int version, String kind, String pipeline, long epoch, int stage, int index, long limit, boolean follow,
        String capability) {
    public static final int VERSION = 1;
    public static final long DEFAULT_LIMIT = 100;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static TapTicket of(
            String pipeline, long epoch, int stage, int index, long limit, boolean follow, String capability) {
        return new TapTicket(VERSION, "tap", pipeline, epoch, stage, index, limit, follow, capability);
    }

    /** The task this ticket taps. */
    public TaskKey task() {
        return new TaskKey(pipeline, epoch, stage, index);
    }

    public byte[] encode() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot encode tap ticket", e);
        }
    }

    public static TapTicket decode(byte[] bytes) {
        TapTicket ticket;
        try {
            ticket = bytes == null || bytes.length == 0 ? null : MAPPER.readValue(bytes, TapTicket.class);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "not a Skein ticket: " + e.getMessage(), e);
        }
        if (ticket == null) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the tap ticket is empty");
        }
        if (ticket.version() != VERSION || !"tap".equals(ticket.kind()) || ticket.pipeline() == null) {
            // Another version is a newer (or older) peer; another kind is a ticket sent to the wrong call.
            throw new SkeinException(ticket.version() != VERSION ? ErrorCode.NOT_SUPPORTED : ErrorCode.INVALID_ARGUMENT,
                    "unsupported ticket (version " + ticket.version() + ", kind '" + ticket.kind() + "')");
        }
        return ticket;
    }
}
