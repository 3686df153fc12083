package io.recsys.api.serving.ranking;

/** The best few of a request's candidates by score, for the head reranker and diversification. */
final class TopIndices {

    private TopIndices() {
    }

    /**
     * The indices of the {@code n} highest scores, highest first; ties keep index order. One pass with a small
     * sorted buffer: n is the rerank head or MMR pool (tens to a hundred) of ~550 candidates, where sorting boxed
     * indices of all of them showed in the profile.
     */
    static int[] of(double[] scores, int n) {
        int size = Math.max(0, Math.min(n, scores.length));
        int[] top = new int[size];
        if (size == 0) {
            return top;
        }
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            if (filled == size && Double.compare(scores[i], scores[top[size - 1]]) <= 0) {
                continue;
            }
            int at = filled < size ? filled++ : size - 1;
            while (at > 0 && Double.compare(scores[i], scores[top[at - 1]]) > 0) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = i;
        }
        return top;
    }
}
