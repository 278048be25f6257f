package io.ramspool.spool.overflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.util.Map;

import org.apache.commons.configuration2.MapConfiguration;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.SpoolConfiguration;

class OverflowConfigurationTest {
    @Test
    void overflowShouldBeRejectByDefault() {
        OverflowConfiguration testee = OverflowConfiguration.from(new MapConfiguration(Map.of()));

        assertThat(testee.getMode()).isEqualTo(OverflowMode.REJECT);
        assertThat(testee.toStoreOptions()).isEmpty();
    }

    @Test
    void diskOverflowShouldGiveADurableStoreWithItsCap() {
        OverflowConfiguration testee = OverflowConfiguration.from(new MapConfiguration(Map.of(
            "overflow", "disk", "overflowDirectory", "/var/spool/ramspool-overflow", "overflowMaxSize", "2G")));

        assertThat(testee.isEnabled()).isTrue();
        assertThat(testee.toStoreOptions()).hasValueSatisfying(options -> {
            assertThat(options.isDurable()).isTrue();
            assertThat(options.getRoot()).isEqualTo(Paths.get("/var/spool/ramspool-overflow"));
            assertThat(options.getMaxBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
        });
    }

    @Test
    void diskOverflowWithoutDirectoryShouldBeRejectedNamingTheKey() {
        assertThatThrownBy(() -> OverflowConfiguration.from(new MapConfiguration(Map.of("overflow", "disk"))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("overflowDirectory");
    }

    @Test
    void unknownModeShouldBeRejectedNamingTheKeyAndValue() {
        assertThatThrownBy(() -> OverflowConfiguration.from(new MapConfiguration(Map.of("overflow", "tape"))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("overflow")
            .hasMessageContaining("tape")
            .hasMessageContaining("reject, disk");
    }

    @Test
    void overflowDirectoryShouldNotBeTheSpoolDirectory() {
        assertThatThrownBy(() -> SpoolConfiguration.from(new MapConfiguration(Map.of("directory", "/dev/shm/x",
                "overflow", "disk", "overflowDirectory", "/dev/shm/x"))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("overflowDirectory must not be the spool directory");
    }

    @Test
    void spoolConfigurationShouldAcceptTheOverflowKeys() {
        SpoolConfiguration testee = SpoolConfiguration.from(new MapConfiguration(Map.of("overflow", "disk",
            "overflowDirectory", "/var/spool/overflow")));

        assertThat(testee.getOverflow().getDirectory()).contains(Paths.get("/var/spool/overflow"));
    }
}
