package io.recsys.cli;

import io.recsys.datasets.Dataset;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.progress.Progress;
import io.recsys.replay.Replay;
import io.recsys.schema.event.Event;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Training reads what was logged to Kafka and what the feature job put in the store, and writes a loadable bundle. */
class TrainCommandTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void trainOnTheLoggedEventsWritesABundleTheApiLoaderAcceptsAndPromotesIt(@TempDir Path dataDir) throws Exception {
        Simulator simulator = new Simulator(SimulatorConfig.small(5));
        List<Event> history = simulator.history(400);
        FeatureRegistry registry = FeatureRegistry.load();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"))) {
            Replay.run(new Dataset("sim", history, simulator.catalogue()), kafka.connection(),
                    FeatureStores.embeddedUrl(dataDir), registry,
                    FeatureJobSettings.defaults(dataDir.resolve("checkpoints")), 0, Progress.NONE);
        }
        long last = history.get(history.size() - 1).eventTime();

        int exit = Recsys.execute("train", "--data-dir", dataDir.toString(), "--version", "v-test",
                "--from", Instant.ofEpochMilli(history.get(0).eventTime()).toString(),
                "--until", Instant.ofEpochMilli(last + 1).toString(), "--promote");

        assertThat(exit).as(console.err()).isZero();
        assertThat(console.err()).contains("read " + history.size() + " records");
        BundleRegistry bundles = new BundleRegistry(dataDir.resolve("bundles"));
        assertThat(bundles.current()).contains("v-test");
        try (ModelBundle bundle = ModelBundle.load(bundles.path("v-test"), registry)) {
            assertThat(bundle.retrieval()).as("embeddings and ANN index").isPresent();
            assertThat(bundle.manifest()).isNotNull();
        }
    }

    @Test
    void anEmptyRangeIsRefusedWithAMessage(@TempDir Path dataDir) {
        assertThat(Recsys.execute("train", "--data-dir", dataDir.toString(), "--from", "2020-01-02T00:00:00Z",
                "--until", "2020-01-01T00:00:00Z")).isEqualTo(2);
        assertThat(console.err()).contains("--from must be before --until");
    }
}
