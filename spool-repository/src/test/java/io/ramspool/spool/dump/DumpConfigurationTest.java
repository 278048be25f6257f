package io.ramspool.spool.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

import org.apache.commons.configuration2.MapConfiguration;
import org.junit.jupiter.api.Test;

class DumpConfigurationTest {

    private static DumpConfiguration parse(Map<String, String> properties) {
        return DumpConfiguration.from(new MapConfiguration(properties));
    }

    @Test
    void emptyFileShouldGiveTheDefaults() {
        DumpConfiguration testee = parse(Map.of());

        assertThat(testee.getDumpDirectory()).isEqualTo(Paths.get(DumpConfiguration.DEFAULT_DUMP_DIRECTORY));
        assertThat(testee.isReloadOnStart()).isTrue();
        assertThat(testee.isDumpOnStop()).isTrue();
        assertThat(testee.isCheckpoint()).isFalse();
        assertThat(testee.getCheckpointLag()).isEqualTo(Duration.ofSeconds(1));
        assertThat(testee.getAfterReload()).isEqualTo(AfterReload.RETIRE);
    }

    @Test
    void checkpointKeysShouldBeRead() {
        DumpConfiguration testee = parse(Map.of("checkpoint", "true", "checkpointLag", "250ms"));

        assertThat(testee.isCheckpoint()).isTrue();
        assertThat(testee.getCheckpointLag()).isEqualTo(Duration.ofMillis(250));
        assertThat(testee.getAfterReload()).isEqualTo(AfterReload.KEEP_AS_CHECKPOINT);
    }

    @Test
    void checkpointLagWithoutUnitShouldBeMilliseconds() {
        assertThat(parse(Map.of("checkpointLag", "1500")).getCheckpointLag()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void badCheckpointLagShouldBeRejectedNamingTheKey() {
        assertThatThrownBy(() -> parse(Map.of("checkpointLag", "soon")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("checkpointLag")
            .hasMessageContaining("soon");
    }

    @Test
    void checkpointLagOutsideItsBoundsShouldBeRejectedNamingTheKey() {
        assertThatThrownBy(() -> parse(Map.of("checkpointLag", "10ms")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("checkpointLag must be between 50 and 600000 ms, got 10 ms");
    }

    @Test
    void badCheckpointFlagShouldBeRejectedNamingTheKey() {
        assertThatThrownBy(() -> parse(Map.of("checkpoint", "yes")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("bad value for checkpoint: 'yes'");
    }

    @Test
    void unknownKeyShouldBeRejected() {
        assertThatThrownBy(() -> parse(Map.of("checkpointlag", "1s")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unknown dump setting 'checkpointlag'");
    }
}
