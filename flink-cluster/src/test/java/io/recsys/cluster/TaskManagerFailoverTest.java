package io.recsys.cluster;

import io.recsys.datasets.Dataset;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.testing.WindowedCountAssertions;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.progress.Progress;
import io.recsys.replay.Replay;
import io.recsys.schema.event.Event;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feature job on a real standalone cluster (a JobManager and two TaskManager JVMs), PostgreSQL as the store:
 * a TaskManager that runs part of the job is killed with SIGKILL mid-stream; the job restarts on the survivor from
 * its last completed checkpoint, and afterwards every windowed count in the store equals a brute-force count.
 */
class TaskManagerFailoverTest {


    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    /**
     * Slow enough that the stream (~27,000 events) outlasts the job's start, two checkpoints and the kill with room
     * to spare: at 1,500/s (18 s) a faster runtime (Java 25) finished the job before the kill reached it.
     */
    private static final double EVENTS_PER_SECOND = 500;

    @Test
    void killingATaskManagerMidStreamLosesAndDoublesNoEvent(@TempDir Path dir) throws Exception {
        String store = TestDatabases.freshPostgresSchema();
        StandaloneCluster cluster = TestCluster.at(dir.resolve("cluster"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TestCluster started = TestCluster.start(cluster);
            ClusterRest rest = started.rest;

            Simulator simulator = new Simulator(SimulatorConfig.small(7).withRequestGap(Duration.ofSeconds(20)));
            List<Event> events = simulator.history(2_500);
            Dataset dataset = new Dataset("failover", events, simulator.catalogue());
            FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints"))
                    .withCheckpointInterval(Duration.ofSeconds(1)).withRestartDelay(Duration.ofSeconds(1));
            FeatureJobRunner onCluster = started.runner;
            CompletableFuture<Replay.Result> replay = CompletableFuture.supplyAsync(() -> {
                try {
                    return Replay.run(dataset, kafka.connection(), store, REGISTRY, settings, onCluster,
                            EVENTS_PER_SECOND, Progress.NONE);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, TestCluster.OWN_THREAD);

            String jobId = awaitValue(() -> rest.runningJobs().stream().findFirst().orElse(null), replay);
            await(() -> rest.completedCheckpoints(jobId) >= 2 && processed(store) > 0, replay);
            int victim = awaitValue(() -> taskManagerRunningPartOf(jobId, rest), replay);
            long processedBeforeKill = processed(store);
            ProcessHandle.of(cluster.taskManagerPid(victim)).orElseThrow().destroyForcibly();

            Replay.Result result = replay.get(5, TimeUnit.MINUTES);

            assertThat(processedBeforeKill).as("the kill came mid-stream").isLessThan(events.size());
            List<String> failures = rest.failures(jobId);
            System.out.println("recovered from checkpoint " + rest.restoredCheckpoint(jobId) + " after " + failures);
            assertThat(failures).as("the job failed over").isNotEmpty();
            assertThat(rest.restoredCheckpoint(jobId)).as("from a completed checkpoint").isPresent();
            assertThat(result.events()).isEqualTo(events.size());
            WindowedCountAssertions.assertEveryWindowedCountMatches(store, events, REGISTRY);
        } finally {
            cluster.stop(Duration.ofSeconds(10));
            TestDatabases.dropPostgresSchema(store);
        }
    }

    private static Integer taskManagerRunningPartOf(String jobId, ClusterRest rest) throws Exception {
        List<String> busy = rest.taskManagersRunning(jobId);
        for (int n = 1; n <= 2; n++) {
            if (busy.contains(StandaloneCluster.taskManagerId(n))) {
                return n;
            }
        }
        return null;
    }

    private static long processed(String storeUrl) {
        return TestCluster.processed(storeUrl, REGISTRY);
    }

    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
    }

    private static void await(Probe<Boolean> condition, CompletableFuture<?> replay) throws Exception {
        awaitValue(() -> condition.get() ? Boolean.TRUE : null, replay);
    }

    /** Polls until the probe answers non-null; fails at once if the replay ended meanwhile. */
    private static <T> T awaitValue(Probe<T> probe, CompletableFuture<?> replay) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (replay.isDone()) {
                replay.get();
                throw new AssertionError("the replay finished before the TaskManager could be killed mid-stream");
            }
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for the job");
    }
}
