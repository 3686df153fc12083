package io.recsys.models.evaluation.trivago;

/**
 * A shown list whose clicked hotel is in it, with its features as of its instant.
 *
 * @param frozenCtr each hotel's CTR frozen at the start of the test part; null for lists before it
 */
public record ClickoutList(long timestamp, int clickedIndex, double[][] features, double[] frozenCtr) {

    public int size() {
        return features.length;
    }

    /** One feature's column. */
    public double[] column(int feature) {
        double[] values = new double[features.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = features[i][feature];
        }
        return values;
    }
}
