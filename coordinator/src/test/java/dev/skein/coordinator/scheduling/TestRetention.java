package dev.skein.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestRetention {
    private static final long NOW = 10_000_000L;

    @Test
    void removesFinishedPipelinesBeyondTheCountOldestFirst() {
        List<PipelinePlan> plans = List.of(
                plan("a", PipelineState.SUCCEEDED, NOW - 3_000),
                plan("b", PipelineState.FAILED, NOW - 1_000),
                plan("c", PipelineState.CANCELLED, NOW - 2_000),
                plan("running", PipelineState.RUNNING, 0));

        assertThat(new Retention(2, Duration.ofHours(1)).expired(plans, NOW))
                .extracting(PipelinePlan::pipeline)
                .containsExactly("a");
    }

    @Test
    void removesFinishedPipelinesOlderThanThePeriodButNeverARunningOne() {
        List<PipelinePlan> plans = List.of(
                plan("old", PipelineState.SUCCEEDED, NOW - Duration.ofMinutes(61).toMillis()),
                plan("new", PipelineState.SUCCEEDED, NOW - Duration.ofMinutes(59).toMillis()),
                plan("draining", PipelineState.DRAINING, 0));

        assertThat(Retention.DEFAULT.expired(plans, NOW)).extracting(PipelinePlan::pipeline).containsExactly("old");
    }

    private static PipelinePlan plan(String name, PipelineState state, long finishedAt) {
        return new PipelinePlan(name, 1, state, name + ".yaml", "name: " + name, "/srv", List.of(), 0, finishedAt,
                Optional.empty());
    }
}
