package dev.skein.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;

/** Turns the cluster records into the JSON stored in znodes, and back. */
final class RecordCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // A preview's DECIMAL keeps its digits and scale through ZooKeeper (12.30 stays 12.30).
            .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private RecordCodec() {}

    static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot decode " + type.getSimpleName() + " from ZooKeeper", e);
        }
    }
}
