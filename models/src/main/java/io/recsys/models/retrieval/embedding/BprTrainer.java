package io.recsys.models.retrieval.embedding;

import io.recsys.models.retrieval.ItemEmbeddings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Bayesian personalised ranking (Rendle et al., 2009) with an item bias, by sequential SGD over uniformly sampled
 * (user, observed item, unobserved item) triples. The bias is folded into the last dimension (user side 1) so that
 * plain inner-product retrieval ranks by the model's score.
 */
public final class BprTrainer {

    private final BprParams params;

    public BprTrainer(BprParams params) {
        this.params = params;
    }

    public BprModel train(Collection<Interaction> interactions) {
        Map<String, Integer> userRows = new LinkedHashMap<>();
        Map<String, Integer> itemRows = new LinkedHashMap<>();
        List<int[]> pairs = new ArrayList<>();
        List<Set<Integer>> seen = new ArrayList<>();
        for (Interaction interaction : interactions) {
            int u = userRows.computeIfAbsent(interaction.userId(), id -> userRows.size());
            int i = itemRows.computeIfAbsent(interaction.itemId(), id -> itemRows.size());
            if (u == seen.size()) {
                seen.add(new HashSet<>());
            }
            if (seen.get(u).add(i)) {
                pairs.add(new int[]{u, i});
            }
        }
        int k = params.factors();
        Random random = new Random(params.seed());
        float[][] users = new float[userRows.size()][k + 1];
        float[][] items = new float[itemRows.size()][k + 1];
        for (float[] user : users) {
            for (int p = 0; p < k; p++) {
                user[p] = (float) (random.nextGaussian() * 0.1);
            }
            user[k] = 1;
        }
        for (float[] item : items) {
            for (int p = 0; p < k; p++) {
                item[p] = (float) (random.nextGaussian() * 0.1);
            }
        }
        double lr = params.learningRate();
        double reg = params.regularization();
        for (int epoch = 0; epoch < params.epochs(); epoch++) {
            for (int step = 0; step < pairs.size(); step++) {
                int[] pair = pairs.get(random.nextInt(pairs.size()));
                float[] user = users[pair[0]];
                float[] positive = items[pair[1]];
                int j;
                do {
                    j = random.nextInt(items.length);
                } while (seen.get(pair[0]).contains(j));
                float[] negative = items[j];
                double x = 0;
                for (int p = 0; p <= k; p++) {
                    x += user[p] * (positive[p] - negative[p]);
                }
                double g = 1 / (1 + Math.exp(x));
                for (int p = 0; p < k; p++) {
                    double up = user[p];
                    user[p] += lr * (g * (positive[p] - negative[p]) - reg * up);
                    positive[p] += lr * (g * up - reg * positive[p]);
                    negative[p] += lr * (-g * up - reg * negative[p]);
                }
                positive[k] += lr * (g - reg * positive[k]);
                negative[k] += lr * (-g - reg * negative[k]);
            }
        }
        return new BprModel(new ItemEmbeddings(new ArrayList<>(itemRows.keySet()), items),
                List.copyOf(userRows.keySet()), users);
    }

    public record BprModel(ItemEmbeddings items, List<String> userIds, float[][] userVectors) {
    }
}
