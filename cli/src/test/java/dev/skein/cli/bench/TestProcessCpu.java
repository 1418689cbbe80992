package dev.skein.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestProcessCpu {
    @Test
    void readsUserAndSystemTicksAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4545 (java (w) 1) S 4542 4542 2323 0 -1 4194304 103 0 0 0 250 37 0 0 20 0 1 0 21531 3133440";
        assertThat(ProcessCpu.fromStat(stat)).isEqualTo((250 + 37) * 10_000_000L);
    }

    @Test
    void readsThisProcess() {
        assertThat(ProcessCpu.of(ProcessHandle.current().pid())).isPositive();
    }
}
