package io.recsys.models.retrieval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Our level-0 walk on the packed layout against Lucene's walk on the graph as built, and against exact search. */
class PackedHnswGraphTest {

    private static final int DIMENSION = 33; // no SIMD lane count divides it
    private static final int K = 10;

    /**
     * Same graph, same codes, same re-rank: the two walks differ only in how they break ties between equal integer
     * code scores (by row in Lucene, by renumbered node here), so their answers agree all but everywhere, and our
     * recall is Lucene's.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 97, 551, 5003})
    void findsWhatLucenesWalkFindsOnOddSizes(int count) {
        SplittableRandom random = new SplittableRandom(count);
        ItemEmbeddings items = unnormalised(random, count);
        HnswIndex index = HnswIndex.build(items, HnswIndex.Params.defaults());
        ExactIndex exact = new ExactIndex(items);

        int same = 0;
        int ours = 0;
        int lucenes = 0;
        int answers = 0;
        for (int q = 0; q < 100; q++) {
            float[] query = unnormalised(random, 1).vectors()[0];
            for (int beam : new int[] {10, 40}) {
                Set<String> truth = idsOf(exact.search(query, K));
                List<ScoredItem> found = index.search(query, K, beam);
                List<ScoredItem> reference = index.searchWithLucene(query, K, beam);
                assertThat(found).hasSize(Math.min(K, count));
                same += intersection(idsOf(found), idsOf(reference));
                ours += intersection(idsOf(found), truth);
                lucenes += intersection(idsOf(reference), truth);
                answers += found.size();
            }
        }
        assertThat(same / (double) answers).as("agreement with Lucene's walk").isGreaterThanOrEqualTo(0.99);
        assertThat(ours / (double) answers).as("recall").isGreaterThanOrEqualTo(lucenes / (double) answers - 0.01);
        if (count <= 551) { // a beam of 40 over a few hundred clustered-free items finds nearly all of the top 10
            assertThat(ours / (double) answers).isGreaterThanOrEqualTo(0.95);
        }
    }

    /** 0 → 1 → 2, 0 → 3; node 4 links to 1 but nothing reaches it; entry node 0. */
    @Test
    void renumbersBreadthFirstFromTheEntryThenTheUnreachedInRowOrder() {
        FrozenHnswGraph graph = new FrozenHnswGraph(6, 0, new int[][] {null},
                new int[][] {{0, 2, 3, 3, 3, 4, 4}}, new int[][] {{3, 1, 2, 1}});

        assertThat(PackedHnswGraph.breadthFirstOrder(graph)).containsExactly(0, 3, 1, 2, 4, 5);
    }

    @Test
    void anEmptyGraphHasAnEmptyOrder() {
        FrozenHnswGraph empty = new FrozenHnswGraph(0, -1, new int[0][], new int[0][], new int[0][]);

        assertThat(PackedHnswGraph.breadthFirstOrder(empty)).isEmpty();
    }

    private static ItemEmbeddings unnormalised(SplittableRandom random, int count) {
        return TestVectors.unnormalised(random, count, DIMENSION);
    }

    private static Set<String> idsOf(List<ScoredItem> found) {
        Set<String> ids = new HashSet<>();
        for (ScoredItem item : found) {
            ids.add(item.itemId());
        }
        return ids;
    }

    private static int intersection(Set<String> a, Set<String> b) {
        int common = 0;
        for (String id : a) {
            common += b.contains(id) ? 1 : 0;
        }
        return common;
    }
}
