package io.recsys.cluster;

import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.JdbcFeatureStore;

import java.nio.file.Path;

/** A two-TaskManager standalone cluster for a test, from the jars the build put in place (see this module's pom). */
final class TestCluster {

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
        try (JdbcFeatureStore store = JdbcFeatureStore.open(storeUrl, registry)) {
            Counters c = store.latestRow(EntityKey.GLOBAL).map(FeatureRow::counters).orElse(Counters.ZERO);
            return c.impressions() + c.clicks() + c.views() + c.addToCarts() + c.purchases();
        }
    }
}
