package dev.skein.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestProcessCpu {
    @Test
    void readsUserAndSystemTicksAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4545 (java (w) 1) S 4542 4542 2323 0 -1 4194304 103 0 0 0 250 37 0 0 20 0 1 0 21531 3133440";
        assertThat(ProcessCpu.fromStat(stat)).isEqualTo((250 + 37) * 10_000_000L);
    }

    @Test
    void threadsAreSortedIntoKindsByTheirLinuxNames() {
        assertThat(ProcessCpu.kindOf("task-w1@3/1-0")).isEqualTo("task");
        assertThat(ProcessCpu.kindOf("grpc-default-wo")).isEqualTo("transport");
        assertThat(ProcessCpu.kindOf("flight-server-d")).isEqualTo("transport");
        assertThat(ProcessCpu.kindOf("C2 CompilerThre")).isEqualTo("jit");
        assertThat(ProcessCpu.kindOf("GC Thread#1")).isEqualTo("gc");
        assertThat(ProcessCpu.kindOf("main-EventThrea")).isEqualTo("other");
    }

    @Test
    void whatNoLiveThreadAccountsForWasSpentByThreadsThatEnded() {
        Map<String, ProcessCpu.ThreadCpu> before = Map.of(
                "1/1", new ProcessCpu.ThreadCpu("task", 100), "1/2", new ProcessCpu.ThreadCpu("jit", 50));
        Map<String, ProcessCpu.ThreadCpu> after = Map.of(
                "1/1", new ProcessCpu.ThreadCpu("task", 400), "1/2", new ProcessCpu.ThreadCpu("jit", 70),
                "1/3", new ProcessCpu.ThreadCpu("task", 30));

        assertThat(ProcessCpu.byKind(before, after, 500)).containsExactly(
                Map.entry("task", 330L), Map.entry("transport", 0L), Map.entry("jit", 20L), Map.entry("gc", 0L),
                Map.entry("other", 0L), Map.entry("ended", 150L));
    }

    @Test
    void readsTheThreadsOfThisProcess() {
        Map<String, ProcessCpu.ThreadCpu> threads = ProcessCpu.threadsOf(java.util.List.of(ProcessHandle.current().pid()));

        assertThat(threads).isNotEmpty();
        assertThat(threads.values()).extracting(ProcessCpu.ThreadCpu::nanos).allSatisfy(nanos -> assertThat(nanos)
                .isNotNegative());
    }

    @Test
    void readsThisProcess() {
        assertThat(ProcessCpu.of(ProcessHandle.current().pid())).isPositive();
    }
}
