package io.recsys.models.retrieval.embedding;

/** An item a user interacted with and how strongly, as fed to {@link UserFoldIn#userVector}. */
public record WeightedItem(String itemId, double weight) {

    public WeightedItem {
        if (itemId == null) {
            throw new IllegalArgumentException("a weighted item needs an item id");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be positive and finite, got " + weight + " for item "
                    + itemId);
        }
    }
}
