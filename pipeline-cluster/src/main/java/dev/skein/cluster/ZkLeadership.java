package dev.skein.cluster;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election among coordinators (a Curator {@link LeaderLatch}): only the leader plans and
 * supervises; the others stand by, waiting for leadership as long as they run. A new leader first
 * writes the next {@link LeaderTerm} to {@code /leader-epoch}; the {@link LeaderFence} keeps that
 * write's version, which every plan write checks. Leadership is released at once when the
 * connection to ZooKeeper is suspended or lost (a pause, a network cut), before the session
 * expires and another coordinator takes over.
 */
public final class ZkLeadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZkLeadership.class);

    private enum State { LATENT, STARTED, CLOSED }

    private final CuratorFramework curator;
    private final LeaderFence fence;
    private final String participantId;
    private final LeaderLatch latch;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    /** Leadership changes happen here, one at a time and in order. */
    private final ExecutorService changes = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "coordinator-leadership");
        thread.setDaemon(true);
        return thread;
    });
    private final ConnectionStateListener connection = this::connectionChanged;

    ZkLeadership(CuratorFramework curator, LeaderFence fence, String participantId) {
        this.curator = curator;
        this.fence = fence;
        this.participantId = participantId;
        this.latch = new LeaderLatch(curator, ZkPaths.LEADER, participantId);
    }

    /**
     * Joins the election; returns at once. {@code listener} hears of every term this node takes
     * and loses.
     *
     * @param restUrl this coordinator's REST address, for standbys to forward to when it leads
     * @param flightAddress this coordinator's Flight {@code host:port}
     */
    public ZkLeadership start(String restUrl, String flightAddress, LeadershipListener listener) {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("leadership of '" + participantId + "' was already started");
        }
        curator.getConnectionStateListenable().addListener(connection);
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                takeOver(restUrl, flightAddress, listener);
            }

            @Override
            public void notLeader() {
                fence.release();
                log.info("coordinator '{}' no longer leads; standing by", participantId);
                listener.standingBy();
            }
        }, changes);
        try {
            latch.start();
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot join the coordinator election", e);
        }
        return this;
    }

    private void takeOver(String restUrl, String flightAddress, LeadershipListener listener) {
        try {
            LeaderTerm term = nextTerm(restUrl, flightAddress);
            log.info("coordinator '{}' leads, term {}", participantId, term.term());
            listener.leading(term);
        } catch (RuntimeException e) {
            // The latch keeps its node: on the next reconnect Curator re-elects and this runs again.
            log.error("coordinator '{}' was elected but cannot write its leader term; not leading", participantId, e);
        }
    }

    /** Writes the next term over the last one (a versioned write), then holds its version. */
    private LeaderTerm nextTerm(String restUrl, String flightAddress) {
        try {
            try {
                curator.create().creatingParentContainersIfNeeded().forPath(ZkPaths.LEADER_EPOCH, new byte[0]);
            } catch (KeeperException.NodeExistsException e) {
                // Written by an earlier leader: the usual case.
            }
            while (true) {
                Stat stat = new Stat();
                byte[] bytes = curator.getData().storingStatIn(stat).forPath(ZkPaths.LEADER_EPOCH);
                long last = bytes.length == 0 ? 0 : RecordCodec.decode(bytes, LeaderTerm.class).term();
                LeaderTerm next = new LeaderTerm(last + 1, participantId, restUrl, flightAddress);
                try {
                    Stat written = curator.setData().withVersion(stat.getVersion())
                            .forPath(ZkPaths.LEADER_EPOCH, RecordCodec.encode(next));
                    if (!latch.hasLeadership()) {
                        throw new SkeinException(ErrorCode.NOT_LEADER, "lost leadership while taking term " + next.term());
                    }
                    fence.hold(written.getVersion(), next.term());
                    return next;
                } catch (KeeperException.BadVersionException raced) {
                    // A deposed leader cannot write here (it only reads); read again and take the next.
                }
            }
        } catch (SkeinException e) {
            throw e;
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot write the leader term to ZooKeeper", e);
        }
    }

    private void connectionChanged(CuratorFramework client, ConnectionState newState) {
        if ((newState == ConnectionState.SUSPENDED || newState == ConnectionState.LOST) && fence.held()) {
            // At once, on Curator's event thread: the latch tells its listener later.
            fence.release();
            log.warn("coordinator '{}' lost its connection to ZooKeeper ({}); it stops leading at once",
                    participantId, newState);
        }
    }

    /** Waits until this node leads; false if the wait timed out. */
    public boolean awaitLeadership(Duration timeout) {
        try {
            return fence.await(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True while this node holds a term and the latch (connected, elected). */
    public boolean isLeader() {
        return fence.held() && latch.hasLeadership();
    }

    /**
     * The coordinator that leads now, read from ZooKeeper: the latch's leader, if it has written
     * its term; empty during an election.
     */
    public Optional<LeaderTerm> leader() {
        try {
            Participant elected = latch.getLeader();
            if (!elected.isLeader()) {
                return Optional.empty();
            }
            byte[] bytes = curator.getData().forPath(ZkPaths.LEADER_EPOCH);
            if (bytes.length == 0) {
                return Optional.empty();
            }
            LeaderTerm term = RecordCodec.decode(bytes, LeaderTerm.class);
            return term.coordinatorId().equals(elected.getId()) ? Optional.of(term) : Optional.empty();
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot read who leads from ZooKeeper", e);
        }
    }

    public String participantId() {
        return participantId;
    }

    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        fence.release();
        if (previous == State.LATENT) {
            changes.shutdownNow();
            return;
        }
        curator.getConnectionStateListenable().removeListener(connection);
        try {
            latch.close();
        } catch (Exception e) {
            // The session ends with the process anyway; leadership lapses with it.
            log.warn("coordinator '{}' cannot leave the election cleanly", participantId, e);
        } finally {
            changes.shutdownNow();
        }
    }
}
