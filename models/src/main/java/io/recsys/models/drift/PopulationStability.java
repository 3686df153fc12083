package io.recsys.models.drift;

/**
 * The population stability index of a feature: Σ (a − e) · ln(a / e) over its bins, e the share of training rows
 * in a bin and a the share of served rows. Read by the usual rule: below 0.1 no shift, 0.1–0.25 a moderate one,
 * above 0.25 a shift worth retraining for.
 */
public final class PopulationStability {

    /**
     * Shares below this count as this: an empty bin would make the index infinite, and one row in a bin nobody saw
     * in training should raise it, not break it.
     */
    static final double FLOOR = 1e-4;

    private PopulationStability() {
    }

    /**
     * @param expected share of training rows per bin (sums to 1)
     * @param actual   served rows per bin, same layout
     * @return the index, or NaN when no row was served
     */
    public static double index(double[] expected, long[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException(expected.length + " expected bins against " + actual.length
                    + " served");
        }
        long total = 0;
        for (long count : actual) {
            total += count;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double index = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(FLOOR, expected[i]);
            double a = Math.max(FLOOR, actual[i] / (double) total);
            index += (a - e) * Math.log(a / e);
        }
        return index;
    }
}
