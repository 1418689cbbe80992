package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Duration;

/**
 * Whether this node holds a leader term, and the version of {@code /leader-epoch} its term wrote:
 * plan writes are transactions that check that version, so they fail once another coordinator took
 * a newer term. Released at once when the connection is suspended or lost, before ZooKeeper has
 * decided anything. Thread-safe.
 */
final class LeaderFence {
    private static final int NOT_HELD = -1;

    private int version = NOT_HELD;
    private long term;

    synchronized void hold(int version, long term) {
        this.version = version;
        this.term = term;
        notifyAll();
    }

    synchronized void release() {
        version = NOT_HELD;
    }

    synchronized boolean held() {
        return version != NOT_HELD;
    }

    /** The version of {@code /leader-epoch} a write must check, or NOT_LEADER naming {@code what}. */
    synchronized int requireVersion(String what) {
        if (version == NOT_HELD) {
            throw new SkeinException(ErrorCode.NOT_LEADER, "not writing " + what + ": this coordinator does not lead");
        }
        return version;
    }

    synchronized long term() {
        return term;
    }

    /** Waits until a term is held; false if {@code timeout} passed first. */
    synchronized boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (version == NOT_HELD) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
