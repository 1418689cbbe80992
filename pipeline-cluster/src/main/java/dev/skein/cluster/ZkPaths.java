package dev.skein.cluster;

/**
 * The ZooKeeper layout, relative to the namespace ({@code /skein} by default):
 *
 * <pre>
 * /workers/{workerId}                   ephemeral, WorkerInfo JSON
 * /leader                               LeaderLatch of the coordinators
 * /leader-epoch                         LeaderTerm JSON of the current leader; its version fences plan writes
 * /epoch                                the last epoch handed out (decimal text)
 * /pipelines/{name}/plan                PipelinePlan JSON
 * /pipelines/{name}/tasks/{epoch}/{stage-index}  TaskStatus JSON; only the plan's epoch has a
 *                                       directory, so a task of an older epoch cannot write
 * </pre>
 */
final class ZkPaths {
    static final String WORKERS = "/workers";
    static final String LEADER = "/leader";
    static final String LEADER_EPOCH = "/leader-epoch";
    static final String EPOCH = "/epoch";
    static final String PIPELINES = "/pipelines";

    private ZkPaths() {}

    static String worker(String id) {
        return WORKERS + "/" + id;
    }

    static String pipeline(String name) {
        return PIPELINES + "/" + name;
    }

    static String plan(String name) {
        return pipeline(name) + "/plan";
    }

    static String tasks(String name) {
        return pipeline(name) + "/tasks";
    }

    static String tasks(String name, long epoch) {
        return tasks(name) + "/" + epoch;
    }

    static String task(String name, long epoch, String key) {
        return tasks(name, epoch) + "/" + key;
    }
}
