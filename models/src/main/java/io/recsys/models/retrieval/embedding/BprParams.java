package io.recsys.models.retrieval.embedding;

/** Hyperparameters of BPR matrix factorisation trained by SGD. */
public record BprParams(int factors, double learningRate, double regularization, int epochs, long seed) {

    public static final BprParams DEFAULTS = new BprParams(32, 0.05, 0.01, 100, 42L);
}
