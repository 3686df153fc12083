package io.recsys.models.training.embedding;

import io.recsys.models.retrieval.ItemEmbeddings;
import io.recsys.models.retrieval.embedding.ConfidenceWeightedLeastSquares;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren &amp; Volinsky, "Collaborative
 * Filtering for Implicit Feedback Datasets", ICDM 2008). Every (user, item) pair takes part: observed pairs with
 * preference 1 and confidence 1 + alpha·weight, all others with preference 0 and confidence 1.
 *
 * <p>Users (then items) are solved in parallel on the common fork-join pool. Each row's solve reads only the fixed
 * side and its own interactions in a fixed order, so the result is bit-for-bit the same for a fixed seed and input
 * whatever the thread count or scheduling.
 */
public final class ImplicitAlsTrainer {

    /** Initial item vectors are N(0, INITIAL_SCALE²): small, so the first user step is dominated by the data. */
    private static final double INITIAL_SCALE = 0.01;

    private final ImplicitAlsParams params;

    public ImplicitAlsTrainer(ImplicitAlsParams params) {
        this.params = params;
    }

    /** Users and items are numbered in order of first appearance, so the same input gives the same model. */
    public ImplicitAlsModel train(Collection<Interaction> interactions) {
        if (interactions.isEmpty()) {
            throw new IllegalArgumentException("cannot train embeddings without interactions");
        }
        Map<String, Integer> userRows = new LinkedHashMap<>();
        Map<String, Integer> itemRows = new LinkedHashMap<>();
        int[] users = new int[interactions.size()];
        int[] items = new int[interactions.size()];
        double[] weights = new double[interactions.size()];
        int e = 0;
        for (Interaction interaction : interactions) {
            users[e] = userRows.computeIfAbsent(interaction.userId(), id -> userRows.size());
            items[e] = itemRows.computeIfAbsent(interaction.itemId(), id -> itemRows.size());
            weights[e] = interaction.weight();
            e++;
        }
        SparseWeights byUser = SparseWeights.fromEntries(userRows.size(), itemRows.size(), users, items, weights);
        SparseWeights byItem = byUser.transpose();

        float[][] itemVectors = randomVectors(itemRows.size());
        float[][] userVectors = new float[userRows.size()][];
        for (int iteration = 0; iteration < params.iterations(); iteration++) {
            solveAll(byUser, itemVectors, userVectors);
            solveAll(byItem, userVectors, itemVectors);
        }
        // A last user step makes the user vectors the exact least-squares answer for the item vectors we ship,
        // which is also what UserFoldIn computes at request time.
        solveAll(byUser, itemVectors, userVectors);
        return new ImplicitAlsModel(params, new ItemEmbeddings(List.copyOf(itemRows.keySet()), itemVectors),
                List.copyOf(userRows.keySet()), userVectors);
    }

    private void solveAll(SparseWeights interactions, float[][] fixed, float[][] solved) {
        ConfidenceWeightedLeastSquares step = new ConfidenceWeightedLeastSquares(fixed, params.factors(),
                params.alpha(), params.regularization());
        IntStream.range(0, interactions.rows).parallel().forEach(row -> solved[row] = step.solve(
                interactions.column, interactions.weight, interactions.rowStart[row],
                interactions.rowStart[row + 1]));
    }

    private float[][] randomVectors(int count) {
        Random random = new Random(params.seed());
        float[][] vectors = new float[count][params.factors()];
        for (float[] vector : vectors) {
            for (int p = 0; p < vector.length; p++) {
                vector[p] = (float) (random.nextGaussian() * INITIAL_SCALE);
            }
        }
        return vectors;
    }
}
