package io.recsys.api.serving.ranking;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Source mixing: how the ANN list, trending items and the catalogue make one request's pool. */
class CandidateSourcesTest {

    private static final int CANDIDATES = 100;

    /** n items named prefix0, prefix1, … */
    private static List<String> items(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    private static AnnCandidates.Neighbours ann(List<String> ids) {
        double[] scores = IntStream.range(0, ids.size()).mapToDouble(i -> 1.0 - i / 1000.0).toArray();
        return new AnnCandidates.Neighbours(new float[]{1, 0}, ids.toArray(String[]::new), scores);
    }

    /** Trending items t0, t1, …, remembering how many each call asked for. */
    private static final class TrendingList implements IntFunction<List<String>> {
        final List<String> items;
        final List<Integer> asked = new ArrayList<>();

        TrendingList(List<String> items) {
            this.items = items;
        }

        @Override
        public List<String> apply(int n) {
            asked.add(n);
            return items.subList(0, Math.min(n, items.size()));
        }
    }

    private static List<String> ids(CandidatePool pool) {
        return IntStream.range(0, pool.size()).mapToObj(pool::id).toList();
    }

    private static List<String> sources(CandidatePool pool) {
        return IntStream.range(0, pool.size()).mapToObj(pool::source).toList();
    }

    @Test
    void aUserWithAVectorGetsTheAnnListFirstThenATenthAsManyTrendingItems() {
        TrendingList trending = new TrendingList(items("t", 500));

        CandidatePool pool = CandidateSources.mix(ann(items("a", CANDIDATES)), trending, items("c", 1000),
                CANDIDATES, 10);

        assertThat(trending.asked).containsExactly(10);
        assertThat(ids(pool)).hasSize(110).startsWith("a0", "a1").endsWith("t8", "t9");
        assertThat(sources(pool).subList(0, 100)).containsOnly("ann");
        assertThat(sources(pool).subList(100, 110)).containsOnly("trending");
    }

    @Test
    void aUserWithAVectorGetsAtLeastTenTrendingItemsHoweverFewCandidatesAreAskedFor() {
        TrendingList trending = new TrendingList(items("t", 500));

        CandidateSources.mix(ann(items("a", 30)), trending, null, 30, 10);

        assertThat(trending.asked).containsExactly(10);
    }

    @Test
    void anItemTwoSourcesFindIsPooledOnceUnderTheAnnListWithItsRetrievalScore() {
        TrendingList trending = new TrendingList(List.of("a1", "t0", "t0", "a0", "t1"));

        CandidatePool pool = CandidateSources.mix(ann(List.of("a0", "a1", "a2")), trending, null, CANDIDATES, 3);

        assertThat(ids(pool)).containsExactly("a0", "a1", "a2", "t0", "t1");
        assertThat(sources(pool)).containsExactly("ann", "ann", "ann", "trending", "trending");
        assertThat(pool.retrievalScore(1)).isEqualTo(0.999);
        assertThat(pool.retrievalScore(3)).as("scored later, by the feature assembly").isNaN();
    }

    @Test
    void aColdUserGetsTheFullTrendingListWithoutRetrievalScores() {
        TrendingList trending = new TrendingList(items("t", 500));

        CandidatePool pool = CandidateSources.mix(null, trending, items("c", 1000), CANDIDATES, 10);

        assertThat(trending.asked).containsExactly(CANDIDATES);
        assertThat(ids(pool)).isEqualTo(items("t", CANDIDATES));
        assertThat(sources(pool)).containsOnly("trending");
        assertThat(pool.retrievalScore(0)).isNaN();
    }

    @Test
    void aColdCatalogueWithNothingTrendingIsFilledFromTheBundlesItemsUpToTheCandidateCount() {
        CandidatePool pool = CandidateSources.mix(null, new TrendingList(List.of()), items("c", 1000), CANDIDATES, 10);

        assertThat(ids(pool)).isEqualTo(items("c", CANDIDATES));
        assertThat(sources(pool)).containsOnly("catalogue");
    }

    @Test
    void theCatalogueFillsOnlyAPoolShorterThanKAndSkipsWhatThePoolHolds() {
        List<String> catalogue = List.of("t0", "c0", "t1", "c1", "c2", "c3");

        CandidatePool enough = CandidateSources.mix(null, new TrendingList(items("t", 10)), catalogue, CANDIDATES, 10);
        CandidatePool shortOfK = CandidateSources.mix(null, new TrendingList(items("t", 2)), catalogue, 4, 10);

        assertThat(sources(enough)).containsOnly("trending");
        assertThat(ids(shortOfK)).containsExactly("t0", "t1", "c0", "c1");
        assertThat(sources(shortOfK)).containsExactly("trending", "trending", "catalogue", "catalogue");
    }

    @Test
    void aBundleWithoutRetrievalRanksWhatIsTrendingEvenWhenThatIsShortOfK() {
        CandidatePool pool = CandidateSources.mix(null, new TrendingList(items("t", 3)), null, CANDIDATES, 10);

        assertThat(ids(pool)).containsExactly("t0", "t1", "t2");
    }
}
