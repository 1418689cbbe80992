package dev.skein.cluster;

/** Hears about plan and task-status changes; called on Curator's event thread, keep it short. */
public interface PlanListener {
    /** A plan was created or changed. */
    default void planChanged(PipelinePlan plan) {}

    /** A pipeline's plan was deleted. */
    default void planDeleted(String pipeline) {}

    /** A task's status was written. */
    default void taskStatusChanged(String pipeline, TaskStatus status) {}
}
