package io.recsys.models.retrieval;

import java.util.List;

/** Maximum-inner-product search over item vectors. */
public interface VectorIndex {

    /** The {@code k} items with the largest inner product with {@code query}, best first. */
    List<ScoredItem> search(float[] query, int k);

    int size();

    int dimension();
}
