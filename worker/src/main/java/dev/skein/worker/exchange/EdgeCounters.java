package dev.skein.worker.exchange;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one task's output edge carried: Arrow buffer bytes over Flight and in memory, and the time
 * spent handing batches to the next stage (waiting for room there included: when it grows, the
 * next stage is the bottleneck). Written by the task thread, read by metrics scrapes.
 */
public final class EdgeCounters {
    private final AtomicLong flightBytes = new AtomicLong();
    private final AtomicLong localBytes = new AtomicLong();
    private final AtomicLong sendNanos = new AtomicLong();

    void sent(OutputChannel channel, long bytes) {
        (channel instanceof LocalChannel ? localBytes : flightBytes).addAndGet(bytes);
    }

    void sendTook(long nanos) {
        sendNanos.addAndGet(nanos);
    }

    /** Bytes sent to tasks on other workers, over Flight {@code DoExchange}. */
    public long flightBytes() {
        return flightBytes.get();
    }

    /** Bytes handed to tasks in this process. */
    public long localBytes() {
        return localBytes.get();
    }

    /** Nanoseconds spent sending, backpressure included. */
    public long sendNanos() {
        return sendNanos.get();
    }
}
