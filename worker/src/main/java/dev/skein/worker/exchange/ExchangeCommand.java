package dev.skein.worker.exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.cluster.TaskKey;
import java.io.IOException;

/**
 * The descriptor command of a data-plane {@code DoExchange}: which task of which epoch the
 * batches are for, and which upstream task sends them. Versioned JSON, never SQL.
 *
 * @param version format version, {@link #VERSION}
 * @param pipeline pipeline name
 * @param epoch plan epoch
 * @param stage receiving stage position
 * @param index receiving task index
 * @param from sending task index in the upstream stage
 * @param capability what grants this edge, from sender {@code from} into the receiving task: made by
 *     the sending worker from the plan (see {@link dev.skein.cluster.auth.DataPlaneCapabilities})
 */
public record ExchangeCommand(
        int version, String pipeline, long epoch, int stage, int index, int from, String capability) {
    public static final int VERSION = 3;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static ExchangeCommand of(TaskKey target, int from, String capability) {
        return new ExchangeCommand(
                VERSION, target.pipeline(), target.epoch(), target.stage(), target.index(), from, capability);
    }

    public TaskKey target() {
        return new TaskKey(pipeline, epoch, stage, index);
    }

    public byte[] encode() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot encode exchange command", e);
        }
    }

    public static ExchangeCommand decode(byte[] bytes) {
        ExchangeCommand command;
        try {
            command = bytes == null || bytes.length == 0 ? null : MAPPER.readValue(bytes, ExchangeCommand.class);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "malformed exchange command: " + e.getMessage(), e);
        }
        if (command == null) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the exchange command is empty");
        }
        if (command.version() != VERSION) {
            throw new SkeinException(
                    ErrorCode.NOT_SUPPORTED, "unsupported exchange command version " + command.version());
        }
        if (command.pipeline() == null) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "exchange command without a pipeline");
        }
        return command;
    }
}
