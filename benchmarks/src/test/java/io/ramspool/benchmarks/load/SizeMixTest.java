package io.ramspool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class SizeMixTest {
    @Test
    void parseSizeShouldReadUnitsInAnyCase() {
        assertThat(SizeMix.parseSize("2048")).isEqualTo(2048);
        assertThat(SizeMix.parseSize("2k")).isEqualTo(2048);
        assertThat(SizeMix.parseSize("2KiB")).isEqualTo(2048);
        assertThat(SizeMix.parseSize("1M")).isEqualTo(1048576);
        assertThat(SizeMix.parseSize("1mib")).isEqualTo(1048576);
        assertThat(SizeMix.parseSize("1500b")).isEqualTo(1500);
    }

    @Test
    void sizeOfShouldAlwaysGiveTheSizeWhenTheMixHasOneSize() {
        SizeMix testee = SizeMix.parse("2k");

        assertThat(IntStream.range(0, 1000).map(testee::sizeOf).distinct().toArray()).containsExactly(2048);
    }

    @Test
    void sizeOfShouldFollowTheWeightsWhenTheMixHasSeveralSizes() {
        SizeMix testee = SizeMix.parse("1k:70,10k:25,100k:5");

        Map<Integer, Long> counts = IntStream.range(0, 100_000).map(testee::sizeOf).boxed()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(counts.get(1024) / 100_000.0).isCloseTo(0.70, within(0.01));
        assertThat(counts.get(10240) / 100_000.0).isCloseTo(0.25, within(0.01));
        assertThat(counts.get(102400) / 100_000.0).isCloseTo(0.05, within(0.01));
    }

    @Test
    void sizeOfShouldGiveTheSameSizesWhenParsedAgain() {
        SizeMix first = SizeMix.parse("1k:1,4k:1");
        SizeMix second = SizeMix.parse("1k:1,4k:1");

        assertThat(IntStream.range(0, 500).map(first::sizeOf).toArray())
            .containsExactly(IntStream.range(0, 500).map(second::sizeOf).toArray());
    }

    @Test
    void labelShouldBeCanonicalWhenUnitsAndWeightsVary() {
        assertThat(SizeMix.parse("2048").getLabel()).isEqualTo("2KiB");
        assertThat(SizeMix.parse(" 1k:70, 1m : 30 ").getLabel()).isEqualTo("1KiB:70,1MiB:30");
        assertThat(SizeMix.parse("1500,3k").getLabel()).isEqualTo("1500B:1,3KiB:1");
    }

    @Test
    void meanSizeShouldWeighEachSizeWhenTheMixHasSeveralSizes() {
        assertThat(SizeMix.parse("1k:3,5k:1").getMeanSize()).isEqualTo(2048.0);
    }

    @Test
    void parseShouldFailNamingThePartWhenAWeightIsNotANumber() {
        assertThatThrownBy(() -> SizeMix.parse("1k:many"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("weight")
            .hasMessageContaining("many");
    }

    @Test
    void parseShouldFailWhenASizeIsZero() {
        assertThatThrownBy(() -> SizeMix.parse("0k"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("must be positive");
    }

    @Test
    void parseShouldFailWhenAPartIsEmpty() {
        assertThatThrownBy(() -> SizeMix.parse("1k,,2k"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected SIZE or SIZE:WEIGHT");
    }

    @Test
    void parseShouldFailWhenTheUnitIsUnknown() {
        assertThatThrownBy(() -> SizeMix.parse("2g"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'2g'");
    }
}
