package dev.skein.cluster;

/**
 * The ZooKeeper layout, relative to the namespace ({@code /skein} by default):
 *
 * <pre>
 * /workers/{workerId}                   ephemeral, WorkerInfo JSON
 * /leader                               LeaderLatch of the coordinators
 * /epoch                                the last epoch handed out (decimal text)
 * /pipelines/{name}/plan                PipelinePlan JSON
 * /pipelines/{name}/tasks/{stage-index} TaskStatus JSON of the plan's epoch
 * </pre>
 */
final class ZkPaths {
    static final String WORKERS = "/workers";
    static final String LEADER = "/leader";
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

    static String task(String name, String key) {
        return tasks(name) + "/" + key;
    }
}
