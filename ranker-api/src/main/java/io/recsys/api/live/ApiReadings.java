package io.recsys.api.live;

import io.prometheus.client.Collector;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.recsys.api.serving.ApiMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the API's own counters and histograms, as /metrics would show them at this instant. */
final class ApiReadings {

    private static final String TOTAL_STAGE = "total";

    private final ApiMetrics metrics;

    ApiReadings(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    Reading.Api read() {
        Map<String, Reading.Buckets> latency = bucketsByLabel(metrics.requestDuration, "stage");
        Reading.Buckets total = latency.get(TOTAL_STAGE);
        double requests = total == null ? 0 : total.cumulativeCounts()[total.cumulativeCounts().length - 1];
        Reading.Buckets staleness = bucketsByLabel(metrics.featureStaleness, null).get("");
        return new Reading.Api(requests, latency, staleness, metrics.shed.get(), sum(metrics.errors),
                metrics.rateLimited.get(), metrics.featureWritesSeen.get(), sumByLabel(metrics.impressionsLogged));
    }

    /** Each child's buckets by the value of {@code label} (or under "" for an unlabelled histogram). */
    static Map<String, Reading.Buckets> bucketsByLabel(Histogram histogram, String label) {
        Map<String, List<double[]>> bounds = new TreeMap<>();
        for (Collector.MetricFamilySamples family : histogram.collect()) {
            for (Collector.MetricFamilySamples.Sample sample : family.samples) {
                if (!sample.name.endsWith("_bucket")) {
                    continue;
                }
                String key = label == null ? "" : sample.labelValues.get(sample.labelNames.indexOf(label));
                String le = sample.labelValues.get(sample.labelNames.indexOf("le"));
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                bounds.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {bound, sample.value});
            }
        }
        Map<String, Reading.Buckets> buckets = new TreeMap<>();
        bounds.forEach((key, pairs) -> {
            // simpleclient writes the buckets in bound order, ending with +Inf
            double[] upper = new double[pairs.size()];
            double[] counts = new double[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                upper[i] = pairs.get(i)[0];
                counts[i] = pairs.get(i)[1];
            }
            buckets.put(key, new Reading.Buckets(upper, counts));
        });
        return buckets;
    }

    private static double sum(Counter counter) {
        return sumByLabel(counter).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Each child's count by the value of its one label. */
    private static Map<String, Double> sumByLabel(Counter counter) {
        Map<String, Double> sums = new TreeMap<>();
        for (Collector.MetricFamilySamples family : counter.collect()) {
            for (Collector.MetricFamilySamples.Sample sample : family.samples) {
                if (sample.name.endsWith("_total") && !sample.labelValues.isEmpty()) {
                    sums.merge(sample.labelValues.get(0), sample.value, Double::sum);
                }
            }
        }
        return sums;
    }
}
