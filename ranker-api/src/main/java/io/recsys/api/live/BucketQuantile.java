package io.recsys.api.live;

/**
 * A quantile estimated from histogram buckets as Prometheus' {@code histogram_quantile} does: find the bucket the
 * rank falls in and interpolate linearly inside it, taking the lowest bucket to start at 0. A rank in the open
 * last bucket (+Inf) answers the largest finite bound, since nothing is known beyond it.
 */
final class BucketQuantile {

    private BucketQuantile() {
    }

    /**
     * @param upperBounds      each bucket's upper bound, ascending, the last one +Inf
     * @param cumulativeCounts observations at or below each bound
     * @return NaN when there are no observations
     */
    static double quantile(double q, double[] upperBounds, double[] cumulativeCounts) {
        if (upperBounds.length != cumulativeCounts.length || upperBounds.length == 0) {
            throw new IllegalArgumentException("one count per bucket bound, at least one bucket");
        }
        double total = cumulativeCounts[cumulativeCounts.length - 1];
        if (!(total > 0)) {
            return Double.NaN;
        }
        double rank = q * total;
        int bucket = 0;
        while (bucket < cumulativeCounts.length - 1 && cumulativeCounts[bucket] < rank) {
            bucket++;
        }
        if (Double.isInfinite(upperBounds[bucket])) {
            return bucket == 0 ? Double.NaN : upperBounds[bucket - 1];
        }
        double lower = bucket == 0 ? 0 : upperBounds[bucket - 1];
        double below = bucket == 0 ? 0 : cumulativeCounts[bucket - 1];
        double inBucket = cumulativeCounts[bucket] - below;
        if (inBucket <= 0) {
            return upperBounds[bucket];
        }
        return lower + (upperBounds[bucket] - lower) * (rank - below) / inBucket;
    }
}
