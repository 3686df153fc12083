package io.recsys.models.retrieval;

import io.recsys.models.retrieval.embedding.UserFoldIn;
import io.recsys.models.retrieval.embedding.WeightedItem;

import io.recsys.models.ranking.RetrievalScorer;
import io.recsys.schema.feature.FeatureVector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Candidate retrieval of a bundle: item embeddings, the ANN index over them, and the fold-in that turns a user's
 * recent interactions into a vector at request time, so a user who clicked three items a second ago already gets
 * personal candidates.
 */
public final class RetrievalModel {

    private final ItemEmbeddings items;
    private final Map<String, Integer> rows;
    private final VectorIndex index;
    private final UserFoldIn foldIn;

    public RetrievalModel(ItemEmbeddings items, VectorIndex index, UserFoldIn foldIn) {
        if (index.dimension() != items.dimension() || foldIn.dimension() != items.dimension()) {
            throw new IllegalArgumentException("embeddings of dimension " + items.dimension() + ", index of "
                    + index.dimension() + ", fold-in of " + foldIn.dimension());
        }
        this.items = items;
        this.rows = items.rowsById();
        this.index = index;
        this.foldIn = foldIn;
    }

    private static final double CLICK_WEIGHT = 1.0;
    private static final double VIEW_WEIGHT = 0.3;

    /** The user's vector from the recent_items of their live features; null when none has an embedding. */
    public float[] userVector(FeatureVector user) {
        return userVector(recentInteractions(user));
    }

    /** The recent_items feature as weighted interactions: clicks count fully, views less. */
    public static List<WeightedItem> recentInteractions(FeatureVector user) {
        List<WeightedItem> items = new ArrayList<>();
        if (user != null && user.values().get("recent_items") instanceof List<?> list) {
            for (Object entry : list) {
                if (entry instanceof Map<?, ?> map && map.get("item_id") instanceof String id) {
                    items.add(new WeightedItem(id, "view".equals(map.get("type")) ? VIEW_WEIGHT : CLICK_WEIGHT));
                }
            }
        }
        return items;
    }

    /** Retrieval scores for training rows, computed exactly as serving computes them. */
    public RetrievalScorer scorer() {
        return (userId, user, itemIds) -> scores(userVector(user), itemIds);
    }

    /** The user's vector from their interactions; null when none of the items has an embedding. */
    public float[] userVector(List<WeightedItem> interactions) {
        boolean known = false;
        for (WeightedItem interaction : interactions) {
            known |= rows.containsKey(interaction.itemId());
        }
        return known ? foldIn.userVector(interactions) : null;
    }

    public List<ScoredItem> nearest(float[] userVector, int k) {
        return index.search(userVector, k);
    }

    /** user · item for each item; NaN where the user vector is null or the item has no embedding. */
    public double[] scores(float[] userVector, List<String> itemIds) {
        double[] scores = new double[itemIds.size()];
        for (int i = 0; i < scores.length; i++) {
            Integer row = userVector == null ? null : rows.get(itemIds.get(i));
            scores[i] = row == null ? Double.NaN : ExactIndex.dot(userVector, items.vectors()[row]);
        }
        return scores;
    }

    public ItemEmbeddings items() {
        return items;
    }

    public VectorIndex index() {
        return index;
    }
}
