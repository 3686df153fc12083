package io.recsys.benchmarks;

import io.recsys.api.live.PrometheusText.Sample;
import io.recsys.api.live.PrometheusText;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What an API did between two scrapes of its {@code /metrics}: how much counters grew, and the latency percentiles
 * of the requests its histograms saw in between. Both scrapes are read with {@link PrometheusText}, the system's one
 * reader of Prometheus' text format.
 */
public final class ScrapeDifference {

    private ScrapeDifference() {
    }

    /**
     * The increase of each counter sample between two scrapes, rounded to a whole number, keyed as {@code key} says;
     * samples {@code key} maps to null are not counted. Keys come in the order of the later scrape.
     */
    public static Map<String, Object> counterIncrease(String before, String after, Function<Sample, String> key) {
        Map<String, Double> start = values(PrometheusText.parse(before), key);
        Map<String, Object> increase = new LinkedHashMap<>();
        values(PrometheusText.parse(after), key).forEach((name, value) ->
                increase.put(name, Math.round(value - start.getOrDefault(name, 0.0))));
        return increase;
    }

    /** Keys {@code name}'s samples by the value of their {@code label}. */
    public static Function<Sample, String> byLabel(String name, String label) {
        return sample -> sample.name().equals(name) ? sample.labels().get(label) : null;
    }

    /**
     * Per-stage latency percentiles (p50, p99, p99.9 in ms) of the requests between two scrapes, from the API's
     * {@code recsys_request_duration_seconds} histogram by stage; the wait for a ranking worker
     * ({@code recsys_queue_wait_seconds}) shows as stage "queue".
     */
    public static Map<String, Object> stageLatency(String before, String after) {
        Map<String, Map<Double, Double>> start = buckets(PrometheusText.parse(before));
        Map<String, Map<Double, Double>> end = buckets(PrometheusText.parse(after));
        Map<String, Object> stages = new LinkedHashMap<>();
        for (String stage : end.keySet()) {
            Map<Double, Double> counts = new TreeMap<>();
            end.get(stage).forEach((le, count) -> counts.put(le,
                    count - start.getOrDefault(stage, Map.of()).getOrDefault(le, 0.0)));
            stages.put(stage, Map.of("p50_ms", quantile(counts, 0.5), "p99_ms", quantile(counts, 0.99),
                    "p99.9_ms", quantile(counts, 0.999)));
        }
        return stages;
    }

    private static Map<String, Double> values(PrometheusText scrape, Function<Sample, String> key) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Sample sample : scrape.samples()) {
            String name = key.apply(sample);
            if (name != null) {
                values.put(name, sample.value());
            }
        }
        return values;
    }

    private static Map<String, Map<Double, Double>> buckets(PrometheusText scrape) {
        Map<String, Map<Double, Double>> buckets = new LinkedHashMap<>();
        for (Sample sample : scrape.samples()) {
            String stage = switch (sample.name()) {
                case "recsys_request_duration_seconds_bucket" -> sample.labels().size() == 2
                        ? sample.labels().get("stage") : null;
                case "recsys_queue_wait_seconds_bucket" -> sample.labels().size() == 1 ? "queue" : null;
                default -> null;
            };
            String le = sample.labels().get("le");
            if (stage == null || le == null) {
                continue;
            }
            buckets.computeIfAbsent(stage, s -> new TreeMap<>())
                    .put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), sample.value());
        }
        return buckets;
    }

    /**
     * Linear interpolation inside the bucket holding the quantile, as Prometheus' histogram_quantile does, in ms;
     * NaN without observations. (The page's {@code BucketQuantile} differs at the edges: kept as the benchmarks'
     * recorded numbers were computed.)
     */
    static double quantile(Map<Double, Double> cumulative, double q) {
        double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double previousLe = 0;
        double previousCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return previousLe * 1000;
                }
                double inBucket = bucket.getValue() - previousCount;
                double fraction = inBucket == 0 ? 0 : (rank - previousCount) / inBucket;
                return (previousLe + (bucket.getKey() - previousLe) * fraction) * 1000;
            }
            previousLe = bucket.getKey();
            previousCount = bucket.getValue();
        }
        return previousLe * 1000;
    }
}
