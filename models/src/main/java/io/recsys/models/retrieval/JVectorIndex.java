package io.recsys.models.retrieval;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/** TEMPORARY: jvector 3.0.6 candidate, kept only for the library comparison. */
public final class JVectorIndex implements VectorIndex {

    private static final VectorTypeSupport TYPES = VectorizationProvider.getInstance().getVectorTypeSupport();

    private final ItemEmbeddings items;
    private final RandomAccessVectorValues vectors;
    private final OnHeapGraphIndex graph;
    private final boolean reduced;
    private final ThreadLocal<GraphSearcher> searchers;
    private final int defaultEf;

    private JVectorIndex(ItemEmbeddings items, RandomAccessVectorValues vectors, OnHeapGraphIndex graph,
                         boolean reduced, int defaultEf) {
        this.items = items;
        this.vectors = vectors;
        this.graph = graph;
        this.reduced = reduced;
        this.defaultEf = defaultEf;
        this.searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
    }

    public static JVectorIndex build(ItemEmbeddings items, int maxDegree, int beamWidth, float alpha, boolean reduce,
                                     int defaultEf) {
        float[][] raw = items.vectors();
        int dim = items.dimension() + (reduce ? 1 : 0);
        double max = 0;
        for (float[] v : raw) {
            max = Math.max(max, ExactIndex.dot(v, v));
        }
        List<VectorFloat<?>> list = new ArrayList<>(raw.length);
        for (float[] v : raw) {
            float[] copy = java.util.Arrays.copyOf(v, dim);
            if (reduce) {
                copy[dim - 1] = (float) Math.sqrt(Math.max(0, max - ExactIndex.dot(v, v)));
            }
            list.add(TYPES.createFloatVector(copy));
        }
        RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(list, dim);
        VectorSimilarityFunction similarity = reduce ? VectorSimilarityFunction.EUCLIDEAN
                : VectorSimilarityFunction.DOT_PRODUCT;
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        try (GraphIndexBuilder builder = new GraphIndexBuilder(
                BuildScoreProvider.randomAccessScoreProvider(ravv, similarity), dim, maxDegree, beamWidth, 1.2f, alpha,
                pool, pool)) {
            OnHeapGraphIndex graph = builder.build(ravv);
            return new JVectorIndex(items, ravv, graph, reduce, defaultEf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public List<ScoredItem> search(float[] query, int k) {
        return search(query, k, defaultEf);
    }

    public List<ScoredItem> search(float[] query, int k, int ef) {
        float[] q = reduced ? java.util.Arrays.copyOf(query, query.length + 1) : query;
        VectorFloat<?> vq = TYPES.createFloatVector(q);
        VectorSimilarityFunction similarity = reduced ? VectorSimilarityFunction.EUCLIDEAN
                : VectorSimilarityFunction.DOT_PRODUCT;
        SearchResult result = searchers.get().search(SearchScoreProvider.exact(vq, similarity, vectors), k,
                Math.max(k, ef), 0f, 0f, Bits.ALL);
        List<ScoredItem> out = new ArrayList<>(k);
        for (SearchResult.NodeScore node : result.getNodes()) {
            out.add(new ScoredItem(items.itemIds().get(node.node), ExactIndex.dot(query, items.vectors()[node.node])));
        }
        return out;
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public int dimension() {
        return items.dimension();
    }
}
