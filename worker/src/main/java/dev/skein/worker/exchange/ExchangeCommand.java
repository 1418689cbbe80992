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
 * @param token the plan's exchange token: the capability to send into its tasks
 */
public record ExchangeCommand(int version, String pipeline, long epoch, int stage, int index, int from, String token) {
    public static final int VERSION = 2;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static ExchangeCommand of(TaskKey target, int from, String token) {
        return new ExchangeCommand(
                VERSION, target.pipeline(), target.epoch(), target.stage(), target.index(), from, token);
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
            command = MAPPER.readValue(bytes, ExchangeCommand.class);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "malformed exchange command: " + e.getMessage(), e);
        }
        if (command.version() != VERSION) {
            throw new SkeinException(
                    ErrorCode.NOT_SUPPORTED, "unsupported exchange command version " + command.version());
        }
        if (command.pipeline() == null || command.token() == null) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "exchange command without a pipeline or token");
        }
        return command;
    }
}
