package io.ramspool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {
    @Test
    void parseShouldUseTheDefaultsWhenOnlyTheRelayHomeIsGiven() {
        LoadOptions testee = LoadOptions.parse("--relay-home", "/tmp/relay");

        assertThat(testee.getInt("messages")).isEqualTo(10000);
        assertThat(testee.getIntList("concurrency-curve")).containsExactly(1, 2, 4, 8, 16);
        assertThat(testee.isQuick()).isFalse();
    }

    @Test
    void parseShouldUseSmallerDefaultsWhenQuickIsGiven() {
        LoadOptions testee = LoadOptions.parse("--quick", "--relay-home", "/tmp/relay");

        assertThat(testee.getInt("messages")).isEqualTo(1000);
        assertThat(testee.isQuick()).isTrue();
    }

    @Test
    void parseShouldLetAnExplicitOptionWinWhenQuickIsGiven() {
        LoadOptions testee = LoadOptions.parse("--relay-home", "/tmp/relay", "--messages", "300", "--quick");

        assertThat(testee.getInt("messages")).isEqualTo(300);
    }

    @Test
    void parseShouldFailListingTheOptionsWhenAnOptionIsUnknown() {
        assertThatThrownBy(() -> LoadOptions.parse("--relay-home", "/tmp/relay", "--mesages", "3"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--mesages")
            .hasMessageContaining("--messages");
    }

    @Test
    void parseShouldFailWhenTheRelayHomeIsMissing() {
        assertThatThrownBy(() -> LoadOptions.parse("--messages", "3"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--relay-home");
    }

    @Test
    void hasPhaseShouldBeFalseWhenThePhaseIsLeftOut() {
        LoadOptions testee = LoadOptions.parse("--relay-home", "/r", "--phases", "comparison, reload");

        assertThat(testee.hasPhase("reload")).isTrue();
        assertThat(testee.hasPhase("curves")).isFalse();
    }

    @Test
    void rotateShouldStartWithTheOffsetItemWhenRoundsGoOn() {
        List<String> targets = List.of("a", "b", "c");

        assertThat(LoadBenchmark.rotate(targets, 0)).containsExactly("a", "b", "c");
        assertThat(LoadBenchmark.rotate(targets, 1)).containsExactly("b", "c", "a");
        assertThat(LoadBenchmark.rotate(targets, 4)).containsExactly("b", "c", "a");
    }
}
