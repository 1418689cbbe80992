package dev.skein.worker.flight;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.exchange.BatchHeaderCheck;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every record batch a client streams in ({@code DoPut}, {@code DoExchange}) against its
 * IPC header before Arrow's reader loads it: Arrow sizes vectors from the header (a batch claiming
 * 20M rows over a 16-byte body is reallocated to 20M rows) and, with Skein's unchecked memory
 * access, would read past the body. A batch that fails {@link BatchHeaderCheck} ends the call with
 * {@code INVALID_ARGUMENT} at once; the message is freed, nothing after it reaches the producer, and
 * the producer sees the call as cancelled (its own answer to a closed call is dropped).
 *
 * <p>Flight's message class is not public, so its public methods are reached by reflection; a
 * Flight version without them fails the worker at start-up, never a call.
 */
public final class IpcHeaderGuard implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(IpcHeaderGuard.class);
    private static final Set<String> STREAMING_IN = Set.of("DoPut", "DoExchange");
    private static final Class<?> MESSAGE;
    private static final Method MESSAGE_TYPE;
    private static final Method AS_SCHEMA;
    private static final Method AS_RECORD_BATCH;
    private static final Method BUFFERS;

    static {
        try {
            MESSAGE = Class.forName("org.apache.arrow.flight.ArrowMessage");
            MESSAGE_TYPE = accessible(MESSAGE.getMethod("getMessageType"));
            AS_SCHEMA = accessible(MESSAGE.getMethod("asSchema"));
            AS_RECORD_BATCH = accessible(MESSAGE.getMethod("asRecordBatch"));
            BUFFERS = accessible(MESSAGE.getMethod("getBufs"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private IpcHeaderGuard() {}

    /** {@code builder}, whose server will run every incoming stream through the guard. */
    public static FlightServer.Builder installedOn(FlightServer.Builder builder) {
        Consumer<NettyServerBuilder> intercept = netty -> netty.intercept(new IpcHeaderGuard());
        return builder.transportHint("grpc.builderConsumer", intercept);
    }

    private static Method accessible(Method method) {
        method.setAccessible(true);
        return method;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (!STREAMING_IN.contains(call.getMethodDescriptor().getBareMethodName())) {
            return next.startCall(call, headers);
        }
        GuardedCall<Q, A> guarded = new GuardedCall<>(call);
        return new Checking<>(next.startCall(guarded, headers), guarded);
    }

    /** The call as the producer sees it: once the guard ended it, what the producer sends is dropped. */
    private static final class GuardedCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
        private boolean closed;

        GuardedCall(ServerCall<Q, A> call) {
            super(call);
        }

        /** Ends the call with {@code status}; false if it had ended already. */
        synchronized boolean refuse(Status status) {
            if (closed) {
                return false;
            }
            closed = true;
            super.close(status, new Metadata());
            return true;
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(A message) {
            if (!closed) {
                super.sendMessage(message);
            } else if (message instanceof AutoCloseable closeable) {
                free(closeable);
            }
        }

        @Override
        public synchronized void request(int count) {
            if (!closed) {
                super.request(count);
            }
        }
    }

    private static final class Checking<Q, A> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final GuardedCall<Q, A> call;
        private Schema schema;
        private boolean refused;

        Checking(ServerCall.Listener<Q> delegate, GuardedCall<Q, A> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) {
                free(message);
                return;
            }
            try {
                check(message);
            } catch (SkeinException e) {
                refused = true;
                free(message);
                log.warn("refused a {}: {}", call.getMethodDescriptor().getBareMethodName(), e.getMessage());
                if (call.refuse(Status.INVALID_ARGUMENT.withDescription(e.getMessage()))) {
                    // the producer waits on its stream: let it see the call end
                    super.onCancel();
                }
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                super.onHalfClose();
            }
        }

        private void check(Object message) {
            if (!MESSAGE.isInstance(message)) {
                return;
            }
            String type;
            try {
                type = String.valueOf(MESSAGE_TYPE.invoke(message));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw malformed(e);
            }
            switch (type) {
                case "SCHEMA" -> schema = (Schema) invoke(AS_SCHEMA, message);
                case "RECORD_BATCH" -> {
                    if (schema == null) {
                        throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                                "malformed record batch header: a record batch came before the schema");
                    }
                    long bodyBytes = 0;
                    for (Object buffer : (Iterable<?>) invoke(BUFFERS, message)) {
                        bodyBytes += ((ArrowBuf) buffer).capacity();
                    }
                    try (ArrowRecordBatch batch = (ArrowRecordBatch) invoke(AS_RECORD_BATCH, message)) {
                        BatchHeaderCheck.check(schema, batch, bodyBytes);
                    }
                }
                case "NONE" -> {
                    // metadata only (an exchange's app metadata): nothing to load
                }
                default -> throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                        "malformed record batch header: a " + type + " message is not accepted");
            }
        }

        private static Object invoke(Method method, Object message) {
            try {
                return method.invoke(message);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw malformed(e.getCause());
            } catch (RuntimeException e) {
                throw malformed(e);
            }
        }

        private static SkeinException malformed(Throwable cause) {
            return new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    "not an Arrow IPC message: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                            : cause.getMessage()), cause);
        }
    }

    private static void free(Object message) {
        if (message instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // freeing a refused message; nothing else can be done with it
                log.debug("could not free a refused message", e);
            }
        }
    }
}
