package io.recsys.jobs.features;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the feature job runs: state backend, checkpoints, restarts, sink batching. The defaults are production's:
 * RocksDB with incremental checkpoints, retained on cancellation so a job can be resumed from them.
 *
 * @param stateBackend "rocksdb" (default) or "hashmap"
 * @param restoreFrom  a savepoint or retained checkpoint to start from, or null to start empty
 */
public record FeatureJobSettings(int parallelism, String stateBackend, String checkpointDirectory,
                                 Duration checkpointInterval, int restartAttempts, Duration restartDelay,
                                 SinkBatching sinkBatching, String restoreFrom)
        implements Serializable {

    /** Key groups, as in flink-conf/config.yaml: fixed by the first savepoint, the ceiling of any rescale. */
    public static final int MAX_PARALLELISM = 128;

    public static FeatureJobSettings defaults(Path checkpointDirectory) {
        return new FeatureJobSettings(2, "rocksdb", checkpointDirectory.toAbsolutePath().toUri().toString(),
                Duration.ofSeconds(10), 10, Duration.ofSeconds(2), SinkBatching.DEFAULT, null);
    }

    public FeatureJobSettings withParallelism(int value) {
        return new FeatureJobSettings(value, stateBackend, checkpointDirectory, checkpointInterval, restartAttempts,
                restartDelay, sinkBatching, restoreFrom);
    }

    public FeatureJobSettings withCheckpointInterval(Duration value) {
        return new FeatureJobSettings(parallelism, stateBackend, checkpointDirectory, value, restartAttempts,
                restartDelay, sinkBatching, restoreFrom);
    }

    public FeatureJobSettings withStateBackend(String value) {
        return new FeatureJobSettings(parallelism, value, checkpointDirectory, checkpointInterval, restartAttempts,
                restartDelay, sinkBatching, restoreFrom);
    }

    public FeatureJobSettings withRestartDelay(Duration value) {
        return new FeatureJobSettings(parallelism, stateBackend, checkpointDirectory, checkpointInterval,
                restartAttempts, value, sinkBatching, restoreFrom);
    }

    public FeatureJobSettings withRestoreFrom(String savepointPath) {
        return new FeatureJobSettings(parallelism, stateBackend, checkpointDirectory, checkpointInterval,
                restartAttempts, restartDelay, sinkBatching, savepointPath);
    }

    /** Job-level Flink configuration; cluster-level settings live in flink-conf/. */
    public Configuration toConfiguration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, restartDelay);
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(200));
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        // every record is immutable, so chained operators may pass them on without copies
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        // one timer per entity per second of event time, touched on every event: keep timers on the heap
        conf.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        return conf;
    }
}
