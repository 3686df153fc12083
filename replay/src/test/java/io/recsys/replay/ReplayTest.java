package io.recsys.replay;

import io.recsys.datasets.Dataset;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.testing.BruteForce;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.progress.Progress;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.OfflineStore;
import io.recsys.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void replayReturnsOnlyOnceEveryEventIsInTheStoreAndTwiceGivesTheSameFeatures(@TempDir Path dir) throws Exception {
        Simulator simulator = new Simulator(SimulatorConfig.small(21));
        Dataset dataset = new Dataset("sim", simulator.history(300), simulator.catalogue());
        FeatureRegistry registry = FeatureRegistry.load();
        String store = TestDatabases.freshH2();
        AtomicLong published = new AtomicLong();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints"));
            Progress progress = new Progress() {
                private String stage;

                @Override
                public void stage(String name, long total) {
                    stage = name;
                }

                @Override
                public void done(long steps) {
                    if (Replay.PUBLISH.equals(stage)) {
                        published.set(steps);
                    }
                }
            };
            Replay.Result first = Replay.run(dataset, kafka.connection(), store, registry, settings, 0, progress);
            assertThat(first.events()).isEqualTo(dataset.events().size());
            assertThat(published.get()).isEqualTo(dataset.events().size());

            Event probe = dataset.events().get(dataset.events().size() / 2);
            long t = probe.eventTime() + 1;
            BruteForce truth = new BruteForce(dataset.events());
            try (FeatureStore opened = FeatureStores.open(store, registry)) {
                OfflineStore features = opened.offline();
                var once = features.readAsOf(EntityKey.item(probe.itemId()), t).values();
                assertThat(once).containsEntry("impressions_24h",
                        truth.count(BruteForce.item(probe.itemId()), EventType.IMPRESSION, t, 24 * HOUR));

                Replay.run(dataset, kafka.connection(), store, registry, settings, 0, progress);
                assertThat(features.readAsOf(EntityKey.item(probe.itemId()), t).values()).isEqualTo(once);
                List<String> categories = List.copyOf(((java.util.Map<?, ?>) features
                        .readAsOf(EntityKey.user(probe.userId()), dataset.events().get(dataset.events().size() - 1)
                                .eventTime() + 1).values().get("category_affinity")).keySet().stream()
                        .map(Object::toString).toList());
                assertThat(categories).as("categories came through the catalogue").isNotEmpty();
            }
        }
    }
}
