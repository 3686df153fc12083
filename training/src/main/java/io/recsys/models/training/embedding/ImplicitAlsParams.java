package io.recsys.models.training.embedding;

/**
 * Hyperparameters of implicit alternating least squares.
 *
 * @param factors        embedding dimension
 * @param regularization λ, the L2 penalty on every user and item vector
 * @param alpha          confidence slope: an observed pair of weight w has confidence 1 + alpha·w, unobserved
 *                       pairs have confidence 1 and preference 0
 * @param iterations     alternations (a user step then an item step); the trainer adds a final user step
 * @param seed           seeds the random initial item vectors; training is bit-exact for a fixed seed and input
 */
public record ImplicitAlsParams(int factors, double regularization, double alpha, int iterations, long seed) {

    /**
     * The best setting on the MovieLens 100K validation split with interaction weight = rating (1 to 5); see
     * docs/movielens-evaluation.md. λ and alpha act on the weights' scale: data weighted on another scale may want
     * other values.
     */
    public static final ImplicitAlsParams DEFAULTS = new ImplicitAlsParams(32, 30.0, 1.0, 15, 42L);

    public ImplicitAlsParams {
        if (factors < 1) {
            throw new IllegalArgumentException("factors must be at least 1, got " + factors);
        }
        if (!(regularization > 0) || Double.isInfinite(regularization)) {
            // λ > 0 keeps every normal-equation matrix positive definite, so the Cholesky solve cannot fail.
            throw new IllegalArgumentException("regularization must be positive and finite, got " + regularization);
        }
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be non-negative and finite, got " + alpha);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
        }
    }
}
