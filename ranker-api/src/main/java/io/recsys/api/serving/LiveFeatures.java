package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.OnlineStore;
import io.recsys.store.StoreUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Online feature reads for ranking. Entities never read, or read more than 3 × {@code refreshAfter} ago, are
 * fetched in one batched store read on the request path. Entities read between 1 and 3 × {@code refreshAfter} ago
 * are served as they are and queued; one background thread re-reads the queue in batches, so a busy request
 * stream does not wait for the store and no value served is older than 3 × {@code refreshAfter}. When the store fails,
 * the request is served from what is held and the registry's defaults for the rest, and says it is degraded.
 */
public final class LiveFeatures implements AutoCloseable {

    /** The vectors of a request, and whether any of them are defaults standing in for a failed read. */
    public record Read(Map<EntityKey, FeatureVector> vectors, boolean degraded, String failure) {
    }

    private record Held(FeatureVector vector, long readAt) {
    }

    /** Values older than this many refresh intervals are re-read on the request path, bounding staleness. */
    private static final int STALE_FACTOR = 3;
    private static final int MAX_HELD = 1_000_000;
    private static final int REFRESH_BATCH = 2_000;

    private final OnlineStore store;
    private final FeatureDerivation derivation;
    private final ApiMetrics metrics;
    private final long refreshAfterMillis;
    private final long maxAgeMillis;
    private final Map<EntityKey, Held> held = new ConcurrentHashMap<>();
    private final Map<EntityKey, Boolean> stale = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;

    public LiveFeatures(OnlineStore store, FeatureDerivation derivation, Duration refreshAfter, ApiMetrics metrics) {
        this.store = store;
        this.derivation = derivation;
        this.metrics = metrics;
        this.refreshAfterMillis = refreshAfter.toMillis();
        this.maxAgeMillis = refreshAfter.toMillis() * STALE_FACTOR;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "feature-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(50, refreshAfterMillis / 4);
        refresher.scheduleWithFixedDelay(this::refreshStale, period, period, TimeUnit.MILLISECONDS);
    }

    public Read read(Collection<EntityKey> entities) {
        Map<EntityKey, FeatureVector> vectors = new HashMap<>(entities.size() * 2);
        List<EntityKey> missing = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (EntityKey entity : entities) {
            Held entry = held.get(entity);
            if (entry == null || now - entry.readAt() > maxAgeMillis) {
                missing.add(entity);
                continue;
            }
            vectors.put(entity, entry.vector());
            metrics.featureStaleness.observe((now - entry.readAt()) / 1000.0);
            if (now - entry.readAt() > refreshAfterMillis) {
                stale.put(entity, Boolean.TRUE);
            }
        }
        metrics.cacheHits.inc(entities.size() - missing.size());
        metrics.cacheMisses.inc(missing.size());
        if (missing.isEmpty()) {
            return new Read(vectors, false, null);
        }
        try {
            Map<EntityKey, FeatureVector> fresh = store.readLatest(missing);
            hold(fresh, now);
            vectors.putAll(fresh);
            for (int i = 0; i < fresh.size(); i++) {
                metrics.featureStaleness.observe(0.0);
            }
            return new Read(vectors, false, null);
        } catch (StoreUnavailableException e) {
            metrics.errors.labels("feature_store").inc();
            for (EntityKey entity : missing) {
                Held entry = held.get(entity);
                vectors.put(entity, entry != null ? entry.vector() : derivation.defaults(entity, now));
            }
            return new Read(vectors, true, "feature store unavailable: " + e.getMessage());
        }
    }

    private void hold(Map<EntityKey, FeatureVector> vectors, long readAt) {
        if (held.size() > MAX_HELD) {
            // a crude bound on memory: forget everything and let requests re-read what they need
            held.clear();
        }
        vectors.forEach((entity, vector) -> held.put(entity, new Held(vector, readAt)));
    }

    private void refreshStale() {
        try {
            while (!stale.isEmpty()) {
                List<EntityKey> batch = new ArrayList<>(REFRESH_BATCH);
                for (Iterator<EntityKey> it = stale.keySet().iterator(); it.hasNext() && batch.size() < REFRESH_BATCH; ) {
                    batch.add(it.next());
                    it.remove();
                }
                long now = System.currentTimeMillis();
                hold(store.readLatest(batch), now);
            }
        } catch (RuntimeException e) {
            // the next request re-queues what is still stale; the failure is counted, not fatal
            metrics.errors.labels("feature_refresh").inc();
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
