package io.recsys.api.serving.ranking;

import io.recsys.models.retrieval.embedding.WeightedItem;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops the candidates a user must not be shown: items they interacted with recently, items the request excludes
 * and items blocked for everyone. What is left becomes the request's candidate columns: ids, sources and the
 * retrieval scores known so far.
 */
final class CandidateFilters implements RankingStage {

    private final Set<String> blocked;

    CandidateFilters(Set<String> blocked) {
        this.blocked = Set.copyOf(blocked);
    }

    @Override
    public int run(RankingRequest request) {
        Set<String> seen = new HashSet<>();
        for (WeightedItem interaction : request.interactions) {
            seen.add(interaction.itemId());
        }
        CandidatePool pool = request.pool;
        List<String> candidates = new ArrayList<>(pool.size());
        String[] sources = new String[pool.size()];
        double[] retrievalScores = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            String item = pool.id(i);
            if (!seen.contains(item) && !request.exclude.contains(item) && !blocked.contains(item)) {
                sources[candidates.size()] = pool.source(i);
                retrievalScores[candidates.size()] = pool.retrievalScore(i);
                candidates.add(item);
            }
        }
        request.itemIds = candidates;
        request.sources = sources;
        request.retrievalScores = retrievalScores;
        return candidates.size();
    }
}
