package dev.skein.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;

/**
 * Where an ingest writer's {@code DoPut} goes: versioned JSON naming the source task. The
 * coordinator hands it out as the ticket of the ingest endpoint; writers send it back as the
 * DoPut descriptor's command, and the worker running the task redeems it.
 *
 * @param version format version, {@link #VERSION}
 * @param kind always {@code "ingest"}
 * @param pipeline pipeline name
 * @param epoch plan epoch
 * @param index source task index
 * @param capability what the coordinator grants the holder: ingest into this task (see {@link
 *     dev.skein.cluster.auth.DataPlaneCapabilities}); the worker refuses a DoPut without it
 */
public record IngestTicket(int version, String kind, String pipeline, long epoch, int index, String capability) {
    public static final int VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static IngestTicket of(String pipeline, long epoch, int index, String capability) {
        return new IngestTicket(VERSION, "ingest", pipeline, epoch, index, capability);
    }

    /** The source task this ticket writes into. */
    public TaskKey task() {
        return new TaskKey(pipeline, epoch, 0, index);
    }

    public byte[] encode() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot encode ingest ticket", e);
        }
    }

    public static IngestTicket decode(byte[] bytes) {
        IngestTicket ticket;
        try {
            ticket = bytes == null || bytes.length == 0 ? null : MAPPER.readValue(bytes, IngestTicket.class);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "not a Skein ingest ticket: " + e.getMessage(), e);
        }
        if (ticket == null) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the ingest ticket is empty");
        }
        if (ticket.version() != VERSION || !"ingest".equals(ticket.kind()) || ticket.pipeline() == null) {
            // Another version is a newer (or older) peer; another kind is a ticket sent to the wrong call.
            throw new SkeinException(ticket.version() != VERSION ? ErrorCode.NOT_SUPPORTED : ErrorCode.INVALID_ARGUMENT,
                    "unsupported ticket (version " + ticket.version() + ", kind '" + ticket.kind() + "')");
        }
        return ticket;
    }
}
