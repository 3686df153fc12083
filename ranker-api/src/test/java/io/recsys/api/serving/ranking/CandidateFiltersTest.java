package io.recsys.api.serving.ranking;

import io.recsys.models.retrieval.embedding.WeightedItem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CandidateFiltersTest {

    @Test
    void dropsRecentlyInteractedExcludedAndBlockedItemsAndKeepsTheColumnsAligned() {
        RankingRequest request = new RankingRequest("u1", 5, Set.of("a2"), null);
        request.interactions = List.of(new WeightedItem("a0", 1.0), new WeightedItem("t1", 0.3));
        request.pool = CandidateSources.mix(
                new AnnCandidates.Neighbours(new float[]{1}, new String[]{"a0", "a1", "a2", "a3"},
                        new double[]{0.4, 0.3, 0.2, 0.1}),
                n -> List.of("t0", "t1", "blocked"), null, 100, 5);

        int left = new CandidateFilters(Set.of("blocked")).run(request);

        assertThat(left).isEqualTo(3);
        assertThat(request.itemIds).containsExactly("a1", "a3", "t0");
        assertThat(request.sources).startsWith("ann", "ann", "trending");
        assertThat(request.retrievalScores[0]).isEqualTo(0.3);
        assertThat(request.retrievalScores[1]).isEqualTo(0.1);
        assertThat(request.retrievalScores[2]).isNaN();
    }
}
