package dev.skein.worker.exchange;

import dev.skein.cluster.flight.CallStatuses;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightClient.ExchangeReaderWriter;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The sending half of one data-plane edge: a {@code DoExchange} to one downstream task. Waits on
 * gRPC's {@code isReady()} before each batch, so a slow receiver slows this sender (the
 * receiving side only reads when its task's inbox has room). A reader thread waits for the
 * receiver's end of the call: a receiver that fails or dies (its worker killed) never turns
 * {@code isReady()} true again, so without it the sender would wait forever instead of failing
 * at once with the receiver's error. Used by one task thread.
 */
public final class OutboundStream implements OutputChannel {
    /** gRPC offers no ready callback on the client side; polling this often costs nothing. */
    private static final long READY_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** Waits for receivers to end their calls; a thread per open edge, idle until then. */
    private static final ExecutorService RECEIVER_WATCH = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "exchange-receiver-watch");
        thread.setDaemon(true);
        return thread;
    });

    private final ExchangeReaderWriter exchange;
    private final VectorSchemaRoot sendRoot;
    private final String target;
    private final BooleanSupplier cancelled;
    /** Completes when the receiver ends the call: normally after {@link #complete}, or with its failure. */
    private final CompletableFuture<Void> receiverEnded = new CompletableFuture<>();
    private boolean completed;

    private OutboundStream(
            ExchangeReaderWriter exchange, VectorSchemaRoot sendRoot, String target, BooleanSupplier cancelled) {
        this.exchange = exchange;
        this.sendRoot = sendRoot;
        this.target = target;
        this.cancelled = cancelled;
        RECEIVER_WATCH.execute(() -> {
            try {
                while (exchange.getReader().next()) {
                    // The receiver sends no batches back; reading surfaces the end of its call.
                }
                receiverEnded.complete(null);
            } catch (Throwable e) {
                receiverEnded.completeExceptionally(e);
            }
        });
    }

    /**
     * Opens the exchange and announces {@code schema}.
     *
     * @param cancelled polled while waiting for the receiver, so a cancelled task stops waiting
     */
    public static OutboundStream open(
            FlightClient client,
            BufferAllocator allocator,
            ExchangeCommand command,
            Schema schema,
            String target,
            BooleanSupplier cancelled) {
        ExchangeReaderWriter exchange = client.doExchange(FlightDescriptor.command(command.encode()));
        VectorSchemaRoot sendRoot = VectorSchemaRoot.create(schema, allocator);
        try {
            // Batches are never written to after sending (each is loaded fresh into sendRoot), so
            // gRPC may send their buffers without copying them first.
            exchange.getWriter().setUseZeroCopy(true);
            exchange.getWriter().start(sendRoot);
        } catch (RuntimeException e) {
            sendRoot.close();
            closeQuietly(exchange);
            throw e;
        }
        return new OutboundStream(exchange, sendRoot, target, cancelled);
    }

    @Override
    public void send(VectorSchemaRoot batch) {
        if (receiverEnded.isDone()) {
            throw receiverFailure();
        }
        awaitReady();
        try (ArrowRecordBatch recordBatch = new VectorUnloader(batch).getRecordBatch()) {
            new VectorLoader(sendRoot).load(recordBatch);
        }
        try {
            exchange.getWriter().putNext();
        } catch (FlightRuntimeException e) {
            throw CallStatuses.fromFlight(e, "sending to " + target + " failed");
        }
    }

    private void awaitReady() {
        while (!exchange.getWriter().isReady()) {
            if (receiverEnded.isDone()) {
                throw receiverFailure();
            }
            if (cancelled.getAsBoolean()) {
                throw new SkeinException(ErrorCode.CANCELLED, "cancelled while waiting for " + target);
            }
            LockSupport.parkNanos(READY_POLL_NANOS);
        }
    }

    /** Why the receiver ended the call before this side completed it. */
    private SkeinException receiverFailure() {
        try {
            receiverEnded.join();
            return new SkeinException(ErrorCode.EXTERNAL, target + " ended the exchange before its input did");
        } catch (CompletionException e) {
            return failureOf(e.getCause());
        }
    }

    private SkeinException failureOf(Throwable cause) {
        return cause instanceof FlightRuntimeException flight
                ? CallStatuses.fromFlight(flight, "sending to " + target + " failed")
                : new SkeinException(ErrorCode.EXTERNAL, "sending to " + target + " failed: " + cause, cause);
    }

    /** Ends the stream and waits until the receiver confirmed it took every batch. */
    @Override
    public void complete() {
        if (receiverEnded.isDone() && receiverEnded.isCompletedExceptionally()) {
            throw receiverFailure();
        }
        try {
            exchange.getWriter().completed();
        } catch (FlightRuntimeException e) {
            throw failureOf(e);
        }
        completed = true;
        try {
            receiverEnded.get();
        } catch (ExecutionException e) {
            throw failureOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkeinException(ErrorCode.CANCELLED, "interrupted while completing the stream to " + target);
        }
    }

    @Override
    public void close() {
        sendRoot.close();
        if (!completed) {
            try {
                exchange.getWriter().error(
                        CallStatus.CANCELLED.withDescription("upstream task stopped").toRuntimeException());
            } catch (RuntimeException e) {
                // The call is already broken; there is nothing left to tell the receiver.
            }
        }
        closeQuietly(exchange);
    }

    private static void closeQuietly(ExchangeReaderWriter exchange) {
        try {
            exchange.close();
        } catch (Exception e) {
            // Closing a failed exchange rethrows its failure, which was already reported.
        }
    }
}
