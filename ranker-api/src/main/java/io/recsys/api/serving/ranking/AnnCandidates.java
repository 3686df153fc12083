package io.recsys.api.serving.ranking;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.recsys.api.serving.ApiMetrics;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.retrieval.ScoredItem;
import io.recsys.models.retrieval.embedding.WeightedItem;

import java.time.Duration;
import java.util.List;

/**
 * The ANN candidates of a user, remembered by what they are computed from: the bundle, the user's weighted recent
 * interactions (which fold into the user vector) and how many are asked for. The same inputs give the same HNSW
 * search, so a hit is exactly what a search would return, never a stale answer; a new click changes the key.
 * A search for 500 neighbours costs milliseconds, and a user asks again and again while their history stays the
 * same (a page, its refreshes, the next page), so this spares most searches. Lists are held as arrays (~6 KB for
 * 500 candidates, retrieval scores and the user vector included), at most {@code maxUsers} of them, forgotten when
 * unused for 10 minutes. With {@code maxUsers} 0 nothing is remembered: every request searches (what a cold or
 * changed user's request costs; {@code bench api --ann-cache-users 0} measures it).
 */
final class AnnCandidates {

    private record Key(String bundleVersion, List<WeightedItem> interactions, int k) {
    }

    /**
     * The user's folded-in vector and the nearest items to it, best first, with each one's retrieval score computed
     * exactly as {@link RetrievalModel#scores} computes it for any other candidate (the ranking feature
     * {@code retrieval.score}). The vector is a least-squares solve over the interactions, so it is remembered
     * with the list rather than solved again per request.
     */
    record Neighbours(float[] userVector, String[] itemIds, double[] retrievalScores) {
    }

    /** Null when nothing is remembered. */
    private final Cache<Key, Neighbours> lists;
    private final ApiMetrics metrics;

    AnnCandidates(int maxUsers, ApiMetrics metrics) {
        this.lists = maxUsers == 0 ? null
                : Caffeine.newBuilder().maximumSize(maxUsers).expireAfterAccess(Duration.ofMinutes(10)).build();
        this.metrics = metrics;
    }

    /**
     * The {@code k} nearest items to the user's folded-in vector, as the index returns them; null when none of the
     * interactions has an embedding (the user has no vector).
     */
    Neighbours nearest(String bundleVersion, RetrievalModel retrieval, List<WeightedItem> interactions, int k) {
        Key key = lists == null ? null : new Key(bundleVersion, List.copyOf(interactions), k);
        Neighbours held = key == null ? null : lists.getIfPresent(key);
        if (held != null) {
            metrics.annCacheHits.inc();
            return held;
        }
        float[] userVector = retrieval.userVector(interactions);
        if (userVector == null) {
            return null;
        }
        metrics.annCacheMisses.inc();
        List<String> ids = retrieval.nearest(userVector, k).stream().map(ScoredItem::itemId).toList();
        Neighbours found = new Neighbours(userVector, ids.toArray(String[]::new), retrieval.scores(userVector, ids));
        if (key != null) {
            lists.put(key, found);
        }
        return found;
    }
}
