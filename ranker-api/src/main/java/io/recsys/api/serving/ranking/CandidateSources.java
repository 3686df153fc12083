package io.recsys.api.serving.ranking;

import io.recsys.api.serving.LiveFeatures;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.schema.feature.EntityKey;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Finds the candidates: reads the user's and the global features, folds the user's recent interactions into a
 * vector, takes its nearest items from the bundle's ANN index, and mixes in what is trending (and, for a cold
 * catalogue, the bundle's items). Leaves the pool, the user's vectors and interactions in the request.
 */
final class CandidateSources implements RankingStage {

    private final LiveFeatures features;
    private final IntFunction<List<String>> trending;
    private final AnnCandidates annCandidates;
    private final int candidateCount;

    /**
     * @param trending       up to n trending items, most popular first
     * @param candidateCount how many ANN candidates a user with a vector gets, and how many trending ones a cold
     *                       user gets
     */
    CandidateSources(LiveFeatures features, IntFunction<List<String>> trending, AnnCandidates annCandidates,
                     int candidateCount) {
        this.features = features;
        this.trending = trending;
        this.annCandidates = annCandidates;
        this.candidateCount = candidateCount;
    }

    @Override
    public int run(RankingRequest request) {
        LiveFeatures.Read userRead = features.read(List.of(EntityKey.user(request.userId), EntityKey.GLOBAL));
        if (userRead.degraded()) {
            request.degradedReasons.add(userRead.failure());
        }
        request.userReadDegraded = userRead.degraded();
        request.user = userRead.vector(0);
        request.global = userRead.vector(1);
        request.interactions = RetrievalModel.recentInteractions(request.user);
        RetrievalModel retrieval = request.bundle.retrieval().orElse(null);
        AnnCandidates.Neighbours neighbours = retrieval == null ? null : annCandidates.nearest(
                request.bundle.version(), retrieval, request.interactions,
                candidateCount + request.interactions.size());
        request.retrieval = retrieval;
        request.userVector = neighbours == null ? null : neighbours.userVector();
        request.pool = mix(neighbours, trending, retrieval == null ? null : retrieval.items().itemIds(),
                candidateCount, request.k);
        return request.pool.size();
    }

    /**
     * The sources mixed into one pool, each item once, under the source that found it first: the ANN list; then
     * trending items, a few (a tenth of {@code candidateCount}, at least 10) for freshness when the user has a
     * vector, the full {@code candidateCount} for a cold user (no vector, or a bundle without retrieval); then,
     * when that is still fewer than the {@code k} asked for, the catalogue's items up to {@code candidateCount}:
     * a cold catalogue (nothing clicked yet) still has items.
     *
     * @param ann       the user's nearest items; null when the user has no vector or the bundle no retrieval
     * @param catalogue the bundle's items; null for a bundle without retrieval
     */
    static CandidatePool mix(AnnCandidates.Neighbours ann, IntFunction<List<String>> trending, List<String> catalogue,
                             int candidateCount, int k) {
        CandidatePool pool = new CandidatePool(ann);
        pool.addAll(trending.apply(ann == null ? candidateCount : Math.max(10, candidateCount / 10)),
                CandidatePool.TRENDING);
        if (pool.size() < k && catalogue != null) {
            pool.fill(catalogue, CandidatePool.CATALOGUE, candidateCount);
        }
        return pool;
    }
}
