package io.recsys.models.training.embedding;

import io.recsys.models.retrieval.ItemEmbeddings;
import io.recsys.models.retrieval.embedding.UserFoldIn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@link ImplicitAlsTrainer} learned: item embeddings, the training users' vectors, and the fold-in. */
public final class ImplicitAlsModel {

    private final ImplicitAlsParams params;
    private final ItemEmbeddings items;
    private final List<String> userIds;
    private final float[][] userVectors;
    private final Map<String, Integer> userRows;
    private final UserFoldIn foldIn;

    ImplicitAlsModel(ImplicitAlsParams params, ItemEmbeddings items, List<String> userIds, float[][] userVectors) {
        this.params = params;
        this.items = items;
        this.userIds = List.copyOf(userIds);
        this.userVectors = userVectors;
        this.userRows = new HashMap<>(userIds.size() * 2);
        for (int u = 0; u < userIds.size(); u++) {
            userRows.put(userIds.get(u), u);
        }
        this.foldIn = new UserFoldIn(items, params.alpha(), params.regularization());
    }

    public ImplicitAlsParams params() {
        return params;
    }

    /** One vector per item seen in training, in order of first appearance. */
    public ItemEmbeddings itemEmbeddings() {
        return items;
    }

    /** The users seen in training, in order of first appearance. */
    public List<String> userIds() {
        return userIds;
    }

    /** A copy of the trained vector of {@code userId}, or empty if they had no training interaction. */
    public Optional<float[]> userVector(String userId) {
        Integer row = userRows.get(userId);
        return row == null ? Optional.empty() : Optional.of(userVectors[row].clone());
    }

    /** Request-time user vectors from recent interactions, consistent with these item embeddings. */
    public UserFoldIn foldIn() {
        return foldIn;
    }
}
