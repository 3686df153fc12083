package io.recsys.models.drift;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How each ranking feature was distributed over a bundle's training rows, as the share of rows in each of up to
 * {@link #BINS} quantile bins plus a bin for missing (NaN) values: the reference that the served features' drift
 * is measured against ({@link PopulationStability}).
 *
 * <p>A value falls in bin {@code i} = the number of edges at or below it, so with edges e0 &lt; e1 &lt; … bin 0 is
 * (−∞, e0), bin 1 is [e0, e1), …, the last [e_last, ∞). Quantile edges of a feature that is mostly one value (a
 * click count that is 0 for most rows) collapse into one edge, and that value gets a bin of its own.
 */
public record FeatureDistribution(@JsonProperty("features") List<Feature> features) {

    public static final int BINS = 10;
    public static final String FILE = "feature-distribution.json";

    /**
     * One feature's bins.
     *
     * @param edges   the bins' boundaries, strictly increasing
     * @param shares  share of the non-missing rows in each bin (edges.length + 1 of them)
     * @param missing share of all rows whose value was missing
     */
    public record Feature(@JsonProperty("name") String name, @JsonProperty("edges") double[] edges,
                          @JsonProperty("shares") double[] shares, @JsonProperty("missing") double missing) {

        public Feature {
            if (shares.length != edges.length + 1) {
                throw new IllegalArgumentException("feature " + name + ": " + edges.length + " edges need "
                        + (edges.length + 1) + " bin shares, got " + shares.length);
            }
            for (int i = 1; i < edges.length; i++) {
                if (!(edges[i] > edges[i - 1])) {
                    throw new IllegalArgumentException("feature " + name + ": bin edges must increase, got "
                            + Arrays.toString(edges));
                }
            }
        }

        /** The bin of {@code value}: 0 … edges.length, or {@link #missingBin()} for NaN. */
        public int bin(double value) {
            if (Double.isNaN(value)) {
                return missingBin();
            }
            int low = 0;
            int high = edges.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (edges[middle] <= value) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }

        /** Bins counted, the missing one last. */
        public int binCount() {
            return shares.length + 1;
        }

        public int missingBin() {
            return shares.length;
        }

        /** Shares of all rows by bin, missing last, in the layout {@link PopulationStability} compares. */
        public double[] expected() {
            double[] expected = new double[binCount()];
            for (int i = 0; i < shares.length; i++) {
                expected[i] = shares[i] * (1 - missing);
            }
            expected[missingBin()] = missing;
            return expected;
        }
    }

    /**
     * The distribution of each named column over {@code rows} (each row holds the features in {@code names}' order).
     * Values are taken as the floats the API scores with: a double on an edge (0.7) would otherwise put every served
     * float (0.69999999) one bin lower and show a shift that is only rounding.
     */
    public static FeatureDistribution of(List<String> names, List<double[]> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no training rows to take the feature distribution of");
        }
        List<Feature> features = new ArrayList<>(names.size());
        for (int f = 0; f < names.size(); f++) {
            double[] present = new double[rows.size()];
            int n = 0;
            for (double[] row : rows) {
                if (!Double.isNaN(row[f])) {
                    present[n++] = (float) row[f];
                }
            }
            double missing = (rows.size() - n) / (double) rows.size();
            if (n == 0) {
                features.add(new Feature(names.get(f), new double[0], new double[]{0}, missing));
                continue;
            }
            double[] sorted = Arrays.copyOf(present, n);
            Arrays.sort(sorted);
            double[] edges = quantileEdges(sorted);
            double[] shares = new double[edges.length + 1];
            Feature binning = new Feature(names.get(f), edges, shares, missing);
            for (double value : sorted) {
                shares[binning.bin(value)] += 1.0 / n;
            }
            features.add(binning);
        }
        return new FeatureDistribution(List.copyOf(features));
    }

    /** The distinct values at the 1/BINS … (BINS−1)/BINS quantiles, and the minimum so nothing falls below bin 1. */
    private static double[] quantileEdges(double[] sorted) {
        double[] edges = new double[BINS];
        int count = 0;
        edges[count++] = sorted[0];
        for (int q = 1; q < BINS; q++) {
            double edge = sorted[(int) ((long) q * sorted.length / BINS)];
            if (edge > edges[count - 1]) {
                edges[count++] = edge;
            }
        }
        return Arrays.copyOf(edges, count);
    }
}
