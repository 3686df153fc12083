package io.recsys.api.live;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of every chart, from two readings: per-second rates and latency quantiles over the rate window between
 * them, and each arm's CTR over the longer CTR window. A value that cannot be known is left out, never guessed: no
 * requests in the window (no latency), a counter that went back (a restart), a job that did not answer.
 */
final class Rates {

    static final String REQUESTS = "api.requests_per_s";
    static final String SHED = "api.shed_per_s";
    static final String ERRORS = "api.errors_per_s";
    static final String RATE_LIMITED = "api.rate_limited_per_s";
    static final String FEATURE_WRITES = "api.feature_writes_per_s";
    static final String LATENCY_P50 = "api.latency_p50_ms.";
    static final String LATENCY_P99 = "api.latency_p99_ms.";
    static final String STALENESS_P50 = "api.feature_staleness_p50_s";
    static final String STALENESS_P99 = "api.feature_staleness_p99_s";
    static final String IMPRESSIONS_LOGGED = "api.impressions_logged_per_s.";
    static final String JOB_EVENTS = "job.events_per_s";
    static final String JOB_REJECTED = "job.rejected_per_s";
    static final String JOB_EVENT_LAG = "job.event_lag_ms";
    static final String JOB_KAFKA_LAG = "job.kafka_lag_records";
    static final String ARM_IMPRESSIONS = "job.impressions_per_s.";
    static final String ARM_CLICKS = "job.clicks_per_s.";
    static final String ARM_CTR = "job.ctr.";

    private Rates() {
    }

    /**
     * @param rateFrom the reading the rate window starts at
     * @param ctrFrom  the reading the CTR window starts at (earlier, for fewer empty points at a few clicks a second)
     */
    static Map<String, Double> between(Reading rateFrom, Reading ctrFrom, Reading now) {
        Map<String, Double> values = new LinkedHashMap<>();
        double seconds = (now.atMillis() - rateFrom.atMillis()) / 1000.0;
        if (!(seconds > 0)) {
            return values;
        }
        Reading.Api a = now.api();
        Reading.Api e = rateFrom.api();
        put(values, REQUESTS, rate(e.requests(), a.requests(), seconds));
        put(values, SHED, rate(e.shed(), a.shed(), seconds));
        put(values, ERRORS, rate(e.errors(), a.errors(), seconds));
        put(values, RATE_LIMITED, rate(e.rateLimited(), a.rateLimited(), seconds));
        put(values, FEATURE_WRITES, rate(e.featureWrites(), a.featureWrites(), seconds));
        a.latency().forEach((stage, buckets) -> {
            Reading.Buckets window = buckets.since(e.latency().get(stage));
            put(values, LATENCY_P50 + stage, quantile(0.5, window) * 1000);
            put(values, LATENCY_P99 + stage, quantile(0.99, window) * 1000);
        });
        Reading.Buckets staleness = a.staleness() == null ? null : a.staleness().since(e.staleness());
        put(values, STALENESS_P50, quantile(0.5, staleness));
        put(values, STALENESS_P99, quantile(0.99, staleness));
        a.impressionsByArm().forEach((arm, count) -> put(values, IMPRESSIONS_LOGGED + arm,
                rate(e.impressionsByArm().getOrDefault(arm, 0.0), count, seconds)));

        Reading.Job job = now.job();
        if (job != null) {
            put(values, JOB_EVENT_LAG, job.eventLagMillis());
            put(values, JOB_KAFKA_LAG, job.kafkaLagRecords());
            Reading.Job earlier = rateFrom.job();
            if (earlier != null) {
                put(values, JOB_EVENTS, rate(earlier.eventsValid(), job.eventsValid(), seconds));
                put(values, JOB_REJECTED, rate(earlier.eventsRejected(), job.eventsRejected(), seconds));
                job.impressionsByArm().forEach((arm, count) -> put(values, ARM_IMPRESSIONS + arm,
                        rate(earlier.impressionsByArm().getOrDefault(arm, 0.0), count, seconds)));
                job.clicksByArm().forEach((arm, count) -> put(values, ARM_CLICKS + arm,
                        rate(earlier.clicksByArm().getOrDefault(arm, 0.0), count, seconds)));
            }
            Reading.Job ctrStart = ctrFrom.job();
            if (ctrStart != null) {
                job.impressionsByArm().forEach((arm, impressions) -> {
                    double shown = impressions - ctrStart.impressionsByArm().getOrDefault(arm, 0.0);
                    double clicked = job.clicksByArm().getOrDefault(arm, 0.0)
                            - ctrStart.clicksByArm().getOrDefault(arm, 0.0);
                    put(values, ARM_CTR + arm, shown > 0 && clicked >= 0 ? clicked / shown : Double.NaN);
                });
            }
        }
        return values;
    }

    private static double rate(double earlier, double now, double seconds) {
        return now >= earlier ? (now - earlier) / seconds : Double.NaN;
    }

    private static double quantile(double q, Reading.Buckets window) {
        return window == null ? Double.NaN
                : BucketQuantile.quantile(q, window.upperBounds(), window.cumulativeCounts());
    }

    private static void put(Map<String, Double> values, String name, double value) {
        if (Double.isFinite(value)) {
            values.put(name, value);
        }
    }
}
