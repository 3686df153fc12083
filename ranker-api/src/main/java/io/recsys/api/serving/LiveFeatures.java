package io.recsys.api.serving;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.OnlineStore;
import io.recsys.store.StoreUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Online feature reads for ranking: one batched store read for whatever the short-lived cache does not hold. When
 * the store fails, the request is served from what the cache has and the registry's defaults for the rest, and
 * the result says it is degraded.
 */
public final class LiveFeatures {

    /** The vectors of a request, and whether any of them are defaults standing in for a failed read. */
    public record Read(Map<EntityKey, FeatureVector> vectors, boolean degraded, String failure) {
    }

    private record Cached(FeatureVector vector, long readAt) {
    }

    private final OnlineStore store;
    private final FeatureDerivation derivation;
    private final Cache<EntityKey, Cached> cache;
    private final ApiMetrics metrics;

    public LiveFeatures(OnlineStore store, FeatureDerivation derivation, Duration cacheFor, ApiMetrics metrics) {
        this.store = store;
        this.derivation = derivation;
        this.metrics = metrics;
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(500_000).build();
    }

    public Read read(Collection<EntityKey> entities) {
        Map<EntityKey, FeatureVector> vectors = new HashMap<>(entities.size() * 2);
        List<EntityKey> missing = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (EntityKey entity : entities) {
            Cached cached = cache.getIfPresent(entity);
            if (cached != null) {
                vectors.put(entity, cached.vector());
                metrics.featureStaleness.observe((now - cached.readAt()) / 1000.0);
            } else {
                missing.add(entity);
            }
        }
        metrics.cacheHits.inc(entities.size() - missing.size());
        metrics.cacheMisses.inc(missing.size());
        if (missing.isEmpty()) {
            return new Read(vectors, false, null);
        }
        try {
            Map<EntityKey, FeatureVector> fresh = store.readLatest(missing);
            for (Map.Entry<EntityKey, FeatureVector> entry : fresh.entrySet()) {
                cache.put(entry.getKey(), new Cached(entry.getValue(), now));
                vectors.put(entry.getKey(), entry.getValue());
                metrics.featureStaleness.observe(0.0);
            }
            return new Read(vectors, false, null);
        } catch (StoreUnavailableException e) {
            metrics.errors.labels("feature_store").inc();
            for (EntityKey entity : missing) {
                vectors.put(entity, derivation.defaults(entity, now));
            }
            return new Read(vectors, true, "feature store unavailable: " + e.getMessage());
        }
    }
}
