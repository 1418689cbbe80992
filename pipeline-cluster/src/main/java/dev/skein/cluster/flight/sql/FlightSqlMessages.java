package dev.skein.cluster.flight.sql;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.arrow.flight.FlightConstants;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlUtils;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Telling Flight SQL's messages apart from a node's own Flight calls, and the small pieces every
 * Skein Flight SQL server answers with. A node's Flight producer hands a call to its Flight SQL
 * producer when {@link #isFlightSql} (commands, tickets) or {@link #isFlightSqlAction} says so, so
 * one port serves both.
 */
public final class FlightSqlMessages {
    private static final String TYPE_PREFIX = "type.googleapis.com/arrow.flight.protocol.sql.";
    /** Flight SQL's own actions and the Flight ones it uses, told apart from Skein's by name. */
    private static final List<String> ACTIONS = List.of(FlightSqlUtils.FLIGHT_SQL_CREATE_PREPARED_STATEMENT.getType(),
            FlightSqlUtils.FLIGHT_SQL_CLOSE_PREPARED_STATEMENT.getType(), FlightConstants.CANCEL_FLIGHT_INFO.getType(),
            FlightSqlUtils.FLIGHT_SQL_CANCEL_QUERY.getType(), FlightSqlUtils.FLIGHT_SQL_BEGIN_TRANSACTION.getType(),
            FlightSqlUtils.FLIGHT_SQL_END_TRANSACTION.getType(), FlightSqlUtils.FLIGHT_SQL_BEGIN_SAVEPOINT.getType(),
            FlightSqlUtils.FLIGHT_SQL_END_SAVEPOINT.getType(),
            FlightSqlUtils.FLIGHT_SQL_CREATE_PREPARED_SUBSTRAIT_PLAN.getType());

    private FlightSqlMessages() {}

    /** Whether a descriptor command or ticket is a Flight SQL message (a packed {@code Any}). */
    public static boolean isFlightSql(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return false;
        }
        try {
            return Any.parseFrom(bytes).getTypeUrl().startsWith(TYPE_PREFIX);
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    /** Whether a descriptor is a Flight SQL command. */
    public static boolean isFlightSql(FlightDescriptor descriptor) {
        return descriptor.isCommand() && isFlightSql(descriptor.getCommand());
    }

    /** Whether an action is Flight SQL's. */
    public static boolean isFlightSqlAction(String type) {
        return ACTIONS.contains(type);
    }

    /** An Arrow schema as Flight SQL carries it: an IPC schema message. */
    public static ByteString serialize(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot serialize a schema: " + e.getMessage(), e);
        }
        return ByteString.copyFrom(out.toByteArray());
    }

    /** The answer to {@code CreatePreparedStatement}: the statement's handle, result and parameter schemas. */
    public static Result preparedStatement(ByteString handle, Schema dataset, Schema parameters) {
        ActionCreatePreparedStatementResult result = ActionCreatePreparedStatementResult.newBuilder()
                .setPreparedStatementHandle(handle)
                .setDatasetSchema(serialize(dataset))
                .setParameterSchema(serialize(parameters))
                .build();
        return new Result(Any.pack(result).toByteArray());
    }

    /** A result on this server: one endpoint, no location (the client asks the same node), {@code ticket} packed. */
    public static FlightInfo info(Schema schema, FlightDescriptor descriptor, Message ticket) {
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(ticket.toByteArray()))), -1, -1);
    }
}
