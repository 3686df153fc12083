package io.recsys.models.retrieval.embedding;

import io.recsys.models.retrieval.ItemEmbeddings;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes a user's vector at request time from the items they interacted with, by the same least-squares step
 * implicit ALS trains with. Item vectors stay fixed, so a user who arrived after training (or whose history moved on)
 * gets a vector in the same space as the trained ones; for a training user and their training interactions the
 * result equals the trained vector, because training ends with a user step.
 *
 * <p>YᵀY + λI is computed once here; a call costs O(n·k² + k³) for n interactions and k factors: 0.05 to 0.15 ms
 * for k = 32 and 3 to 100 items, measured on the project's busy 2-core machine. Thread-safe.
 */
public final class UserFoldIn {

    private final ConfidenceWeightedLeastSquares step;
    private final Map<String, Integer> rowsById;

    /** Use the {@code alpha} and {@code regularization} the embeddings were trained with. */
    public UserFoldIn(ItemEmbeddings items, double alpha, double regularization) {
        if (items.size() == 0) {
            throw new IllegalArgumentException("cannot fold users into an empty set of item embeddings");
        }
        this.step = new ConfidenceWeightedLeastSquares(items.vectors(), items.dimension(), alpha, regularization);
        this.rowsById = items.rowsById();
    }

    /**
     * The vector of a user with these interactions. Repeated items have their weights summed, as in training; items
     * without an embedding are ignored. With no known item the answer is the zero vector (every item scores 0), so
     * callers should fall back to a non-personal ranking for such users.
     */
    public float[] userVector(List<WeightedItem> interactions) {
        // Ascending rows, the order training sums in, so a training user's history reproduces their trained vector.
        TreeMap<Integer, Double> weightByRow = new TreeMap<>();
        for (WeightedItem interaction : interactions) {
            Integer row = rowsById.get(interaction.itemId());
            if (row != null) {
                weightByRow.merge(row, interaction.weight(), Double::sum);
            }
        }
        int[] rows = new int[weightByRow.size()];
        double[] weights = new double[weightByRow.size()];
        int e = 0;
        for (Map.Entry<Integer, Double> entry : weightByRow.entrySet()) {
            rows[e] = entry.getKey();
            weights[e] = entry.getValue();
            e++;
        }
        return step.solve(rows, weights, 0, rows.length);
    }

    public int dimension() {
        return step.dimension();
    }
}
