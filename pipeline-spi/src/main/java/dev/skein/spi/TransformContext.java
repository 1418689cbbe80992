package dev.skein.spi;

import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a {@link BatchTransform} instance knows about the task it runs in. Given to {@link
 * BatchTransform#open}; valid until {@link BatchTransform#close} returns. Implemented by Skein.
 */
public interface TransformContext {
    /** The pipeline's name, e.g. {@code orders}. */
    String pipelineName();

    /** The stage's name, e.g. {@code enrich}; also its tap path. */
    String stageName();

    /** This task's index within the stage, from 0 to {@link #parallelism()} - 1. */
    int taskIndex();

    /** How many tasks the stage has (its {@code parallelism:}); at least 1. */
    int parallelism();

    /**
     * The stage's {@code config:} mapping, in the order written; empty without one. Immutable.
     * Values are {@code String}, {@code Long} (YAML integers), {@code Double} (YAML decimals),
     * {@code Boolean}, {@code List<Object>} or {@code Map<String, Object>} of these; never null.
     * Quoted scalars and dates stay {@code String}s as written.
     */
    Map<String, Object> config();

    /**
     * This instance's own Arrow allocator, a child of its task's. Allocate every buffer the
     * transform creates here. Skein closes it after {@link BatchTransform#close}; it must be empty
     * by then, or the task fails with a leak report.
     */
    BufferAllocator allocator();
}
