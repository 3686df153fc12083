package io.recsys.models.retrieval;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Item vectors for the retrieval tests. */
final class TestVectors {

    private TestVectors() {
    }

    /**
     * Gaussian directions with norms spread several-fold, like matrix-factorisation item vectors; ids
     * {@code item-0 .. item-(count-1)}.
     */
    static ItemEmbeddings unnormalised(SplittableRandom random, int count, int dimension) {
        List<String> ids = new ArrayList<>(count);
        float[][] vectors = new float[count][dimension];
        for (int i = 0; i < count; i++) {
            double norm = Math.exp(random.nextGaussian() * 0.5);
            for (int d = 0; d < dimension; d++) {
                vectors[i][d] = (float) (random.nextGaussian() * norm);
            }
            ids.add("item-" + i);
        }
        return new ItemEmbeddings(ids, vectors);
    }
}
