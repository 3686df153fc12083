package io.recsys.jobs.features;

import org.apache.flink.api.common.state.StateTtlConfig;

import java.time.Duration;

/** How the job's operators let keyed state lapse: the same policy wherever state is bounded by time. */
final class StateExpiry {

    private StateExpiry() {
    }

    /**
     * State that lapses {@code ttl} of processing time after it was last written, is never read once lapsed, and
     * is dropped by RocksDB's compaction (a full scan would cost what the TTL saves).
     */
    static StateTtlConfig afterLastWrite(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1_000)
                .build();
    }
}
