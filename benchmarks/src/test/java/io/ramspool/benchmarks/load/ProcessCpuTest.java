package io.ramspool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
    @Test
    void parseShouldAddOwnAndReapedChildrenTimeWhenTheNameHoldsSpacesAndParentheses() {
        String line = "4242 (master (x) y) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 900 0 0";

        ProcessCpu.Stat testee = ProcessCpu.parse(line);

        assertThat(testee).isEqualTo(new ProcessCpu.Stat(17, 310));
    }

    @Test
    void treeTicksShouldCountThisProcessWhenItIsTheRoot() {
        long self = ProcessHandle.current().pid();

        assertThat(ProcessCpu.treeTicks(self)).hasValueSatisfying(ticks -> assertThat(ticks).isPositive());
    }
}
