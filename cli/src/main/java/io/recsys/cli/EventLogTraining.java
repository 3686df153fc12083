package io.recsys.cli;

import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.training.BundleTrainer;
import io.recsys.models.training.FmReranker;
import io.recsys.progress.Progress;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.ItemCatalogue;
import io.recsys.store.OfflineStore;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A bundle trained from logged events and the store's point-in-time features: what `train` and the loop share. */
final class EventLogTraining {

    /** The GBDT's default shape, the reranker on the last quarter of lists, the head the API reranks. */
    static final double RERANK_SHARE = 0.25;
    static final int RERANK_HEAD = 100;

    private EventLogTraining() {
    }

    /** Item → category for the items of {@code events}, from the store's catalogue. */
    static Map<String, String> categories(ItemCatalogue catalogue, List<Event> events) {
        Set<String> items = new TreeSet<>();
        events.forEach(e -> items.add(e.itemId()));
        Map<String, String> categories = new HashMap<>();
        for (ItemAttributes item : catalogue.itemAttributes(items).values()) {
            if (item.category() != null) {
                categories.put(item.itemId(), item.category());
            }
        }
        return categories;
    }

    /**
     * Trains on the lists shown in [from, until) and writes the bundle as {@code version}; loads it once with the
     * API's own loader, so a bundle that would be refused at reload is refused here.
     */
    static Path train(List<Event> events, Map<String, String> categories, OfflineStore store,
                      FeatureRegistry registry, Path bundles, String version, long from, long until,
                      Map<String, Object> extraMetrics, Progress progress) throws Exception {
        BundleTrainer.Trained trained = BundleTrainer.train(events, categories, from, until, store,
                FmReranker.Params.DEFAULT, RERANK_SHARE, progress);
        Map<String, Object> description = new LinkedHashMap<>(extraMetrics);
        description.put("training_lists", trained.training().size());
        Path written = BundleTrainer.write(trained, bundles, version, "event-log", registry, RERANK_HEAD, from, until,
                description);
        try (ModelBundle ignored = ModelBundle.load(written, registry)) {
            return written;
        }
    }
}
