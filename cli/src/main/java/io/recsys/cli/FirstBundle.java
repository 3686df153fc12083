package io.recsys.cli;

import io.recsys.jobs.features.FeedbackAttribution;
import io.recsys.kafka.EventPublisher;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.training.BundleTrainer;
import io.recsys.models.training.FmReranker;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStore;
import io.recsys.store.OnlineStore;
import me.tongfei.progressbar.ProgressBar;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The bundle a fresh demo starts with: trained on simulated history that went through the real pipeline. */
final class FirstBundle {

    static final int HISTORY_REQUESTS = 1_500;
    static final Duration HISTORY_SPAN = Duration.ofHours(2);

    private FirstBundle() {
    }

    /**
     * Serves the data directory's current bundle if it has one; otherwise publishes two hours of simulated
     * history, waits until the feature job has it in the store, trains a bundle on it and makes it current.
     */
    static void ensure(Path bundles, Simulator live, EventPublisher publisher, FeatureStore store,
                                     FeatureRegistry registry) throws Exception {
        BundleRegistry bundleRegistry = new BundleRegistry(bundles);
        if (bundleRegistry.current().isPresent()) {
            return;
        }
        long now = System.currentTimeMillis();
        long from = now - HISTORY_SPAN.toMillis();
        SimulatorConfig config = live.config();
        Simulator past = new Simulator(new SimulatorConfig(config.seed() + 1, config.users(), config.items(),
                config.categories(), config.listSize(), from, HISTORY_SPAN.dividedBy(HISTORY_REQUESTS),
                config.trendSpan()));
        List<Event> history = past.history(HISTORY_REQUESTS).stream().filter(e -> e.eventTime() < now).toList();
        System.out.println("training a first bundle from " + history.size() + " simulated events of the last "
                + HISTORY_SPAN.toHours() + " h...");
        long before = processed(store.online());
        try (ProgressBar published = ConsoleProgress.bar("publish history", history.size())) {
            publisher.publish(history, 0, published::stepTo);
        }
        long counted = FeedbackAttribution.countedFor(EntityType.GLOBAL, history, registry).size();
        try (ProgressBar processed = ConsoleProgress.bar("history in store", counted)) {
            long deadline = System.currentTimeMillis() + 300_000;
            while (processed(store.online()) - before < counted) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the feature job did not store the simulated history within"
                            + " 5 minutes");
                }
                processed.stepTo(processed(store.online()) - before);
                Thread.sleep(250);
            }
            processed.stepTo(counted);
        }
        Map<String, String> categories = new HashMap<>();
        for (ItemAttributes item : live.catalogue()) {
            categories.put(item.itemId(), item.category());
        }
        BundleTrainer.Trained trained;
        try (ConsoleProgress progress = new ConsoleProgress()) {
            trained = BundleTrainer.train(history, categories, from, now, store.offline(), FmReranker.Params.DEFAULT,
                    0.25, progress);
        }
        String version = "sim-" + Instant.ofEpochMilli(now).toString().replace(":", "").replace(".", "");
        BundleTrainer.write(trained, bundles, version, "simulator", registry, 100, from, now, Map.of());
        bundleRegistry.promote(version);
    }

    private static long processed(OnlineStore store) {
        return store.latestRow(EntityKey.GLOBAL).map(row -> row.counters().impressions() + row.counters().clicks()
                + row.counters().views() + row.counters().addToCarts() + row.counters().purchases()).orElse(0L);
    }

}
