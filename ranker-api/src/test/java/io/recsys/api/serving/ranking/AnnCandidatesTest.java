package io.recsys.api.serving.ranking;

import io.recsys.api.serving.ApiMetrics;
import io.recsys.models.retrieval.ExactIndex;
import io.recsys.models.retrieval.ItemEmbeddings;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.retrieval.embedding.UserFoldIn;
import io.recsys.models.retrieval.embedding.WeightedItem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnnCandidatesTest {

    private static final ItemEmbeddings ITEMS = new ItemEmbeddings(List.of("x1", "x2", "y1", "y2"),
            new float[][]{{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}});
    private static final RetrievalModel RETRIEVAL = new RetrievalModel(ITEMS, new ExactIndex(ITEMS),
            new UserFoldIn(ITEMS, 1.0, 0.1));

    private final ApiMetrics metrics = new ApiMetrics();
    private final AnnCandidates candidates = new AnnCandidates(100, metrics);

    @Test
    void aUserNoneOfWhoseItemsHasAnEmbeddingHasNoNeighboursSoIsServedAsCold() {
        assertThat(candidates.nearest("v1", RETRIEVAL, List.of(new WeightedItem("unknown", 1.0)), 3)).isNull();
        assertThat(candidates.nearest("v1", RETRIEVAL, List.of(), 3)).isNull();
    }

    @Test
    void neighboursComeBestFirstWithTheRetrievalScoresTheFeaturesUseAndAreReusedForTheSameHistory() {
        List<WeightedItem> history = List.of(new WeightedItem("x1", 1.0));

        AnnCandidates.Neighbours first = candidates.nearest("v1", RETRIEVAL, history, 3);
        AnnCandidates.Neighbours again = candidates.nearest("v1", RETRIEVAL, List.of(new WeightedItem("x1", 1.0)), 3);

        assertThat(first.itemIds()).startsWith("x1", "x2").hasSize(3);
        assertThat(first.retrievalScores()).containsExactly(RETRIEVAL.scores(first.userVector(),
                List.of(first.itemIds())));
        assertThat(again).isSameAs(first);
        assertThat(metrics.annCacheMisses.get()).isEqualTo(1);
        assertThat(metrics.annCacheHits.get()).isEqualTo(1);
    }

    @Test
    void withNoUsersRememberedEveryRequestSearchesAndFindsTheSameNeighbours() {
        AnnCandidates uncached = new AnnCandidates(0, metrics);
        List<WeightedItem> history = List.of(new WeightedItem("x1", 1.0));

        AnnCandidates.Neighbours first = uncached.nearest("v1", RETRIEVAL, history, 3);
        AnnCandidates.Neighbours again = uncached.nearest("v1", RETRIEVAL, history, 3);

        assertThat(again).isNotSameAs(first);
        assertThat(again.itemIds()).containsExactly(first.itemIds());
        assertThat(metrics.annCacheMisses.get()).isEqualTo(2);
        assertThat(metrics.annCacheHits.get()).isZero();
    }
}
