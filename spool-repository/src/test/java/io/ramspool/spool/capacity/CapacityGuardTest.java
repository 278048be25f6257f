package io.ramspool.spool.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ramspool.spool.SpoolStatus;
import reactor.core.publisher.Mono;

class CapacityGuardTest {
    private static final long MIB = 1024 * 1024;

    /** A spool whose figures the test sets: the guard's logic is tested without filling a disk. */
    private static final class SettableSpoolStatus implements SpoolStatus {
        private long bytesUsed;
        private long mails;
        private boolean writable = true;

        @Override
        public Path getDirectory() {
            return Paths.get("/dev/shm/ramspool");
        }

        @Override
        public long getEntryCount() {
            return mails;
        }

        @Override
        public long getBytesUsed() {
            return bytesUsed;
        }

        @Override
        public long getMaxBytes() {
            return 0;
        }

        @Override
        public long getFileSystemFreeBytes() {
            return getFileSystemTotalBytes() - bytesUsed;
        }

        @Override
        public long getFileSystemTotalBytes() {
            return 100 * MIB;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }
    }

    private SettableSpoolStatus status;
    private CapacityGuard testee;

    @BeforeEach
    void setUp() {
        status = new SettableSpoolStatus();
        testee = new CapacityGuard(status, new CapacityPolicy(Watermark.percent(80), Watermark.percent(60), 1000, 800,
            MIB));
    }

    @Test
    void guardShouldAcceptMailBelowTheHighWatermark() {
        status.bytesUsed = 79 * MIB;

        assertThat(testee.isAcceptingMail()).isTrue();
    }

    @Test
    void guardShouldRefuseMailAtTheHighWatermark() {
        status.bytesUsed = 80 * MIB;

        assertThat(testee.isAcceptingMail()).isFalse();
        assertThat(testee.snapshot().getState()).isEqualTo(CapacitySnapshot.State.REFUSING);
    }

    @Test
    void guardShouldKeepRefusingUntilUsageDropsBelowTheLowWatermark() {
        status.bytesUsed = 85 * MIB;
        testee.isAcceptingMail();

        status.bytesUsed = 70 * MIB;
        boolean acceptingBetweenWatermarks = testee.isAcceptingMail();
        status.bytesUsed = 60 * MIB;
        boolean acceptingAtLowWatermark = testee.isAcceptingMail();

        assertThat(acceptingBetweenWatermarks).isFalse();
        assertThat(acceptingAtLowWatermark).isTrue();
    }

    @Test
    void guardShouldRefuseWhenTooManyMailsEvenWithBytesLeft() {
        status.mails = 1000;

        assertThat(testee.isAcceptingMail()).isFalse();
    }

    @Test
    void mailCountHysteresisShouldNeedBothLowWatermarks() {
        status.mails = 1000;
        testee.isAcceptingMail();

        status.mails = 900;
        boolean acceptingAt900 = testee.isAcceptingMail();
        status.mails = 800;

        assertThat(acceptingAt900).isFalse();
        assertThat(testee.isAcceptingMail()).isTrue();
    }

    @Test
    void guardShouldReportFullBelowTheMinimumFreeSpace() {
        status.bytesUsed = 100 * MIB - MIB / 2;

        assertThat(testee.snapshot().getState()).isEqualTo(CapacitySnapshot.State.FULL);
        assertThat(testee.isAcceptingMail()).isFalse();
    }

    @Test
    void guardShouldReportFullWhenTheDirectoryIsNotWritable() {
        status.writable = false;

        assertThat(testee.snapshot().getState()).isEqualTo(CapacitySnapshot.State.FULL);
        assertThat(testee.hasRoomFor(1)).isFalse();
    }

    @Test
    void hasRoomForShouldKeepTheMinimumFreeSpace() {
        status.bytesUsed = 90 * MIB;

        assertThat(testee.hasRoomFor(9 * MIB)).isTrue();
        assertThat(testee.hasRoomFor(9 * MIB + 1)).isFalse();
    }

    @Test
    void healthCheckShouldFollowTheGuardsState() {
        SpoolHealthCheck healthCheck = new SpoolHealthCheck(testee);

        ResultStatus healthy = check(healthCheck).getStatus();
        status.bytesUsed = 85 * MIB;
        Result degraded = check(healthCheck);
        status.writable = false;
        Result unhealthy = check(healthCheck);

        assertThat(healthy).isEqualTo(ResultStatus.HEALTHY);
        assertThat(degraded.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(degraded.getCause()).hasValueSatisfying(cause -> assertThat(cause).contains("452"));
        assertThat(unhealthy.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
        assertThat(unhealthy.getCause()).contains("spool directory is not writable");
    }

    @Test
    void guardWithOverflowShouldAcceptAboveTheHighWatermarkWhileTheOverflowHasRoom() {
        SettableSpoolStatus overflow = new SettableSpoolStatus();
        CapacityGuard withOverflow = new CapacityGuard(status, testee.getPolicy(), Optional.of(overflow));
        status.bytesUsed = 95 * MIB;

        boolean acceptingWithRoom = withOverflow.isAcceptingMail();
        boolean sizeFitsOnDisk = withOverflow.hasRoomFor(20 * MIB);
        overflow.bytesUsed = 100 * MIB;

        assertThat(withOverflow.snapshot().getState()).isEqualTo(CapacitySnapshot.State.REFUSING);
        assertThat(acceptingWithRoom).isTrue();
        assertThat(sizeFitsOnDisk).isTrue();
        assertThat(withOverflow.isAcceptingMail()).isFalse();
        assertThat(withOverflow.hasRoomFor(20 * MIB)).isFalse();
    }

    @Test
    void healthCheckWithOverflowShouldBeDegradedNotUnhealthyWhenTheRamSpoolIsFull() {
        SettableSpoolStatus overflow = new SettableSpoolStatus();
        CapacityGuard withOverflow = new CapacityGuard(status, testee.getPolicy(), Optional.of(overflow));
        SpoolHealthCheck healthCheck = new SpoolHealthCheck(withOverflow);
        status.bytesUsed = 100 * MIB;

        Result ramFull = check(healthCheck);
        overflow.bytesUsed = 100 * MIB;
        Result bothFull = check(healthCheck);

        assertThat(ramFull.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(ramFull.getCause()).hasValueSatisfying(cause -> assertThat(cause).contains("overflow directory"));
        assertThat(bothFull.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
    }

    @Test
    void policyShouldRejectALowWatermarkAboveTheHighOne() {
        assertThatThrownBy(() -> new CapacityPolicy(Watermark.percent(50), Watermark.percent(70), 10, 5, 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("lowWatermark");
    }

    @Test
    void watermarkShouldParsePercentagesAndSizes() {
        assertThat(Watermark.parse("highWatermark", "75%").resolve(1000)).isEqualTo(750);
        assertThat(Watermark.parse("highWatermark", "1M").resolve(1000)).isEqualTo(MIB);
        assertThatThrownBy(() -> Watermark.parse("highWatermark", "lots"))
            .hasMessageContaining("highWatermark")
            .hasMessageContaining("lots");
    }

    private static Result check(SpoolHealthCheck healthCheck) {
        return Mono.from(healthCheck.check()).block();
    }
}
