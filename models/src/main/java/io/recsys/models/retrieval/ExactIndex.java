package io.recsys.models.retrieval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/** Brute-force maximum inner product: the ground truth the ANN index is measured against. */
public final class ExactIndex implements VectorIndex {

    private final ItemEmbeddings embeddings;

    public ExactIndex(ItemEmbeddings embeddings) {
        this.embeddings = embeddings;
    }

    @Override
    public List<ScoredItem> search(float[] query, int k) {
        if (query.length != dimension()) {
            throw new IllegalArgumentException("query of dimension " + query.length + ", index of " + dimension());
        }
        PriorityQueue<ScoredItem> best = new PriorityQueue<>(k + 1,
                (a, b) -> Double.compare(a.score(), b.score()));
        float[][] vectors = embeddings.vectors();
        for (int i = 0; i < vectors.length; i++) {
            double score = dot(query, vectors[i]);
            if (best.size() < k) {
                best.add(new ScoredItem(embeddings.itemIds().get(i), score));
            } else if (score > best.peek().score()) {
                best.poll();
                best.add(new ScoredItem(embeddings.itemIds().get(i), score));
            }
        }
        List<ScoredItem> result = new ArrayList<>(best);
        result.sort(Collections.reverseOrder((a, b) -> Double.compare(a.score(), b.score())));
        return result;
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public int size() {
        return embeddings.size();
    }

    @Override
    public int dimension() {
        return embeddings.dimension();
    }
}
