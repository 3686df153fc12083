package io.recsys.api.live;

import java.util.Map;

/**
 * Counters as they stood at one instant (cumulative since their process started) and gauges as they were then:
 * rates and quantiles come from two readings.
 *
 * @param job null when the feature job's metrics are not scraped or the scrape failed
 */
record Reading(long atMillis, Api api, Job job) {

    /** Observations per bucket bound, cumulative as Prometheus exposes them; the last bound is +Inf. */
    record Buckets(double[] upperBounds, double[] cumulativeCounts) {

        /**
         * The observations made after {@code earlier}; all of them when there was none earlier (a stage seen first
         * inside the window started at zero); null when the two do not line up or a count went back.
         */
        Buckets since(Buckets earlier) {
            if (earlier == null) {
                return this;
            }
            if (earlier.cumulativeCounts.length != cumulativeCounts.length) {
                return null;
            }
            double[] counts = new double[cumulativeCounts.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = cumulativeCounts[i] - earlier.cumulativeCounts[i];
                if (counts[i] < 0) {
                    return null;
                }
            }
            return new Buckets(upperBounds, counts);
        }
    }

    /**
     * The API's own metrics.
     *
     * @param requests       recommendation requests ranked (the "total" stage's observations)
     * @param latency        request duration by stage
     * @param staleness      age of the held feature values each read served
     * @param featureWrites  entities the change feed reported newly written
     * @param impressionsByArm impression events published per experiment arm
     */
    record Api(double requests, Map<String, Buckets> latency, Buckets staleness, double shed, double errors,
               double rateLimited, double featureWrites, Map<String, Double> impressionsByArm) {
    }

    /**
     * The feature job's metrics, summed over its subtasks.
     *
     * @param eventsValid      events that passed validation (cumulative)
     * @param eventsRejected   events refused, every reason (cumulative)
     * @param eventLagMillis   how far the newest event the store sink wrote is behind the wall clock (a gauge, the
     *                         largest over subtasks)
     * @param kafkaLagRecords  records the job's Kafka source is behind the end of its partitions (a gauge, the
     *                         largest; NaN when the source does not report it)
     */
    record Job(double eventsValid, double eventsRejected, double eventLagMillis, double kafkaLagRecords,
               Map<String, Double> impressionsByArm, Map<String, Double> clicksByArm) {
    }
}
