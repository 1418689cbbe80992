package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;

/** Leader election among coordinators: only the leader plans and schedules. */
public final class ZkLeadership implements AutoCloseable {
    private final LeaderLatch latch;
    private volatile boolean closed;

    ZkLeadership(CuratorFramework curator, String participantId) {
        this.latch = new LeaderLatch(curator, ZkPaths.LEADER, participantId);
    }

    public ZkLeadership start() {
        try {
            latch.start();
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot join the coordinator election", e);
        }
        return this;
    }

    /** Waits until this node leads; false if the wait timed out. */
    public boolean awaitLeadership(Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isLeader() {
        return latch.hasLeadership();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            latch.close();
        } catch (Exception e) {
            // The session ends with the process anyway; leadership lapses with it.
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot leave the coordinator election", e);
        }
    }
}
