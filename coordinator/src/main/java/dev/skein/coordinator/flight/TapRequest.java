package dev.skein.coordinator.flight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.cluster.TapTicket;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;

/**
 * What a Flight client asks the coordinator for: a stage's output. Accepted descriptors: PATH
 * {@code [pipeline, stage]}; PATH {@code ["pipeline.stage"]} or {@code ["pipeline/stage"]} (clients
 * that send one element); CMD JSON {@code {"pipeline":..,"stage":..,"limit":N,"follow":bool}}.
 *
 * @param pipeline pipeline name
 * @param stage stage name ("source" for the source)
 * @param limit rows per task before the tap ends
 * @param follow stream until the pipeline ends
 */
record TapRequest(String pipeline, String stage, long limit, boolean follow) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static TapRequest from(FlightDescriptor descriptor) {
        if (descriptor.isCommand()) {
            return fromCommand(descriptor.getCommand());
        }
        List<String> path = descriptor.getPath();
        if (path.size() == 2) {
            return new TapRequest(path.get(0), path.get(1), TapTicket.DEFAULT_LIMIT, false);
        }
        if (path.size() == 1) {
            String[] parts = path.get(0).split("[./]", 2);
            if (parts.length == 2) {
                return new TapRequest(parts[0], parts[1], TapTicket.DEFAULT_LIMIT, false);
            }
        }
        throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                "expected the path [pipeline, stage] or [\"pipeline.stage\"], got " + path);
    }

    private static TapRequest fromCommand(byte[] command) {
        try {
            JsonNode json = MAPPER.readTree(command);
            if (!json.hasNonNull("pipeline") || !json.hasNonNull("stage")) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the command must name 'pipeline' and 'stage'");
            }
            return new TapRequest(json.get("pipeline").asText(), json.get("stage").asText(),
                    json.path("limit").asLong(TapTicket.DEFAULT_LIMIT), json.path("follow").asBoolean(false));
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the command is not JSON: " + e.getMessage(), e);
        }
    }
}
