package io.recsys.models.retrieval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One dense vector per item, all of the same dimension; row i belongs to {@code itemIds.get(i)}. */
public record ItemEmbeddings(List<String> itemIds, float[][] vectors) {

    public ItemEmbeddings {
        if (itemIds.size() != vectors.length) {
            throw new IllegalArgumentException(itemIds.size() + " item ids for " + vectors.length + " vectors");
        }
        for (float[] v : vectors) {
            if (v.length != vectors[0].length) {
                throw new IllegalArgumentException("embeddings of different dimensions: " + v.length + " and "
                        + vectors[0].length);
            }
        }
    }

    public int dimension() {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }

    public int size() {
        return vectors.length;
    }

    public Map<String, Integer> rowsById() {
        Map<String, Integer> rows = new HashMap<>(itemIds.size() * 2);
        for (int i = 0; i < itemIds.size(); i++) {
            rows.put(itemIds.get(i), i);
        }
        return rows;
    }
}
