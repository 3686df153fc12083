package io.recsys.models.retrieval.embedding;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The step implicit ALS repeats for every user (and, mirrored, every item), after Hu, Koren &amp; Volinsky (2008),
 * eq. 4: with the other side's vectors F fixed, the vector of a row that interacted with entries j at weights w_j is
 * <pre>
 *   x = (FᵀF + Σ_j α·w_j·f_j·f_jᵀ + λI)⁻¹ · Σ_j (1 + α·w_j)·f_j
 * </pre>
 * FᵀF is the same for every row, so it is computed once per step; each row then costs O(n·k² + k³) for its n
 * interactions, which is what makes the fold-in cheap enough to run per request. Sums run in a fixed order, so a
 * row's result does not depend on which thread computes it.
 */
public final class ConfidenceWeightedLeastSquares {

    /** Rows per partial Gram matrix; fixed (not derived from the thread count) so the sum is reproducible. */
    private static final int GRAM_CHUNK = 1024;

    private final float[][] fixed;
    private final int dimension;
    private final double alpha;
    private final double[] gramPlusRegularization;

    public ConfidenceWeightedLeastSquares(float[][] fixed, int dimension, double alpha, double regularization) {
        this.fixed = fixed;
        this.dimension = dimension;
        this.alpha = alpha;
        this.gramPlusRegularization = gram(fixed, dimension);
        for (int p = 0; p < dimension; p++) {
            gramPlusRegularization[p * dimension + p] += regularization;
        }
    }

    public int dimension() {
        return dimension;
    }

    /** The vector of a row that interacted with {@code fixed[rows[e]]} at {@code weights[e]} for e in [from, to). */
    public float[] solve(int[] rows, double[] weights, int from, int to) {
        if (from == to) {
            // With no interactions the right-hand side is zero, and so is the least-squares solution.
            return new float[dimension];
        }
        int k = dimension;
        DMatrixRMaj a = new DMatrixRMaj(k, k);
        System.arraycopy(gramPlusRegularization, 0, a.data, 0, k * k);
        DMatrixRMaj b = new DMatrixRMaj(k, 1);
        double[] normal = a.data;
        // The rank-one updates α·w·f·fᵀ dominate training. They are applied four at a time so each element of A is
        // loaded and stored once per four updates (about twice as fast), on widened copies the JIT can vectorise.
        double[][] f = new double[4][k];
        double[] c = new double[4];
        int e = from;
        for (; e + 4 <= to; e += 4) {
            for (int j = 0; j < 4; j++) {
                c[j] = widen(rows[e + j], weights[e + j], f[j], b.data);
            }
            double[] f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3];
            for (int p = 0; p < k; p++) {
                double s0 = c[0] * f0[p], s1 = c[1] * f1[p], s2 = c[2] * f2[p], s3 = c[3] * f3[p];
                int rowOffset = p * k;
                for (int q = p; q < k; q++) {
                    normal[rowOffset + q] += s0 * f0[q] + s1 * f1[q] + s2 * f2[q] + s3 * f3[q];
                }
            }
        }
        for (; e < to; e++) {
            double c0 = widen(rows[e], weights[e], f[0], b.data);
            double[] f0 = f[0];
            for (int p = 0; p < k; p++) {
                double s0 = c0 * f0[p];
                int rowOffset = p * k;
                for (int q = p; q < k; q++) {
                    normal[rowOffset + q] += s0 * f0[q];
                }
            }
        }
        for (int p = 0; p < k; p++) {
            for (int q = 0; q < p; q++) {
                normal[p * k + q] = normal[q * k + p];
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(k, 1);
        if (!CommonOps_DDRM.solveSPD(a, b, x)) {
            throw new IllegalStateException("the normal equations are not positive definite: are the vectors finite?");
        }
        float[] result = new float[k];
        for (int p = 0; p < k; p++) {
            result[p] = (float) x.data[p];
        }
        return result;
    }

    /**
     * Copies the vector of {@code row} into {@code into}, adds its (1 + α·w)·f to the right-hand side, and returns
     * α·w, the confidence above 1 that scales its rank-one update.
     */
    private double widen(int row, double weight, double[] into, double[] rightHandSide) {
        float[] stored = fixed[row];
        double confidenceAboveOne = alpha * weight;
        for (int p = 0; p < into.length; p++) {
            into[p] = stored[p];
            rightHandSide[p] += (1 + confidenceAboveOne) * into[p];
        }
        return confidenceAboveOne;
    }

    private static double[] gram(float[][] vectors, int k) {
        int chunks = (vectors.length + GRAM_CHUNK - 1) / GRAM_CHUNK;
        List<double[]> partials = IntStream.range(0, chunks).parallel()
                .mapToObj(c -> partialGram(vectors, k, c * GRAM_CHUNK, Math.min(vectors.length, (c + 1) * GRAM_CHUNK)))
                .toList();
        double[] gram = new double[k * k];
        for (double[] partial : partials) {
            for (int i = 0; i < gram.length; i++) {
                gram[i] += partial[i];
            }
        }
        return gram;
    }

    private static double[] partialGram(float[][] vectors, int k, int from, int to) {
        double[] gram = new double[k * k];
        for (int r = from; r < to; r++) {
            float[] f = vectors[r];
            for (int p = 0; p < k; p++) {
                for (int q = p; q < k; q++) {
                    gram[p * k + q] += (double) f[p] * f[q];
                }
            }
        }
        for (int p = 0; p < k; p++) {
            for (int q = 0; q < p; q++) {
                gram[p * k + q] = gram[q * k + p];
            }
        }
        return gram;
    }
}
