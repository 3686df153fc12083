package io.recsys.cluster;

import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;

import java.nio.file.Path;
import java.util.concurrent.Executor;

/** A two-TaskManager standalone cluster for a test, from the jars the build put in place (see this module's pom). */
final class TestCluster {

    /**
     * Blocking work runs on a thread of its own, never on the common pool: with 2 cores that pool has one worker,
     * and on Java 25 CompletableFuture ran such a task on it (on Java 17 it got a thread of its own), so a paced
     * publisher held up Flink's own asynchronous steps (a MiniCluster's TaskExecutor waited 72 s to register with
     * its job).
     */
    static final Executor OWN_THREAD = task -> new Thread(task, "test-publisher").start();

    final StandaloneCluster cluster;
    final String restAddress;
    final ClusterRest rest;
    final FeatureJobRunner runner;

    private TestCluster(StandaloneCluster cluster, String restAddress) {
        this.cluster = cluster;
        this.restAddress = restAddress;
        this.rest = new ClusterRest(restAddress);
        this.runner = FeatureJobRunner.remote(restAddress, Path.of(System.getProperty("recsys.job.jar")));
    }

    static TestCluster start(StandaloneCluster cluster) throws Exception {
        return new TestCluster(cluster, cluster.start(StandaloneCluster.Options.defaults().withTaskManagers(2)
                .withTaskManagerMemory("1g")));
    }

    static StandaloneCluster at(Path directory) {
        return StandaloneCluster.at(directory, Path.of(System.getProperty("recsys.flink.lib")));
    }

    /** Events counted in the store so far: the global entity's latest totals. */
    static long processed(String storeUrl, FeatureRegistry registry) {
        try (FeatureStore store = FeatureStores.open(storeUrl, registry)) {
            Counters c = store.online().latestRow(EntityKey.GLOBAL).map(FeatureRow::counters).orElse(Counters.ZERO);
            return c.impressions() + c.clicks() + c.views() + c.addToCarts() + c.purchases();
        }
    }
}
