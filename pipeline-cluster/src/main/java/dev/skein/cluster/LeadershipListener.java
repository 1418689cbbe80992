package dev.skein.cluster;

/**
 * Told when this coordinator starts and stops leading; called on one thread, in order. A call
 * may come late: {@link ZkLeadership#isLeader()} and the fenced plan writes are what count.
 */
public interface LeadershipListener {
    /** This node holds {@code term}: supervise every pipeline in ZooKeeper. */
    void leading(LeaderTerm term);

    /** This node does not lead (any more): stop supervising and accepting work at once. */
    void standingBy();
}
