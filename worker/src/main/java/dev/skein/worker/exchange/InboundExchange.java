package dev.skein.worker.exchange;

import dev.skein.cluster.flight.CallStatuses;
import dev.skein.cluster.flight.NetworkFailures;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightStream;

/**
 * The receiving end of one data-plane edge: feeds one upstream task's {@code DoExchange} stream
 * into the receiving task's inbox. Reading stops while the inbox is full, which is what makes
 * gRPC's flow control push back on the sender. Runs on the gRPC call's thread.
 */
public final class InboundExchange {
    private InboundExchange() {}

    /**
     * @param from the sending task's index, from the exchange command
     * @param sender the sending task and its worker, for messages
     */
    public static void receive(
            int from, String sender, TaskInbox inbox, FlightStream reader, ServerStreamListener writer) {
        try {
            inbox.open(from, reader.getSchema());
        } catch (RuntimeException e) {
            writer.error(CallStatuses.toFlight(e));
            return;
        }
        try {
            while (reader.next()) {
                BatchValidation.check(reader.getRoot(), sender);
                if (!inbox.put(reader.getRoot())) {
                    writer.error(CallStatus.CANCELLED
                            .withDescription("the receiving task is no longer running")
                            .toRuntimeException());
                    return;
                }
            }
            inbox.finished(from);
            writer.completed();
        } catch (RuntimeException e) {
            String cause = NetworkFailures.reason(e);
            inbox.fail(new SkeinException(ErrorCode.EXTERNAL, "input from " + sender + " broke: " + cause, e));
            writer.error(CallStatuses.toFlight(e));
        }
    }
}
