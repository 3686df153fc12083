package io.recsys.api.serving;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.hotspot.BufferPoolsExports;
import io.prometheus.client.hotspot.ClassLoadingExports;
import io.prometheus.client.hotspot.GarbageCollectorExports;
import io.prometheus.client.hotspot.MemoryPoolsExports;
import io.prometheus.client.hotspot.StandardExports;
import io.prometheus.client.hotspot.ThreadExports;
import io.prometheus.client.hotspot.VersionInfoExports;
import io.recsys.schema.event.RejectReason;

import java.util.Map;

/**
 * Every metric the API exports on /metrics, registered in one registry per server: the API's own and the JVM's
 * (heap and memory pools, collector pauses, threads, buffers, classes, process CPU and file descriptors).
 */
public final class ApiMetrics {

    public final CollectorRegistry registry = new CollectorRegistry();

    public final Histogram requestDuration = Histogram.build("recsys_request_duration_seconds",
                    "Time spent per recommendation request stage")
            .labelNames("stage")
            .buckets(0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
    public final Histogram candidates = Histogram.build("recsys_candidates", "Candidates per request after a stage")
            .labelNames("stage").buckets(0, 1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000).register(registry);
    public final Histogram featureStaleness = Histogram.build("recsys_feature_staleness_seconds",
                    "Age of the oldest feature value each read served (a request reads twice: its user's and the global"
                    + " values, then its candidates'), since it was read from the store")
            .buckets(0, 0.1, 0.25, 0.5, 1, 2, 5, 10).register(registry);
    public final Counter cacheHits = Counter.build("recsys_feature_cache_hits_total", "Feature cache hits")
            .register(registry);
    public final Counter cacheMisses = Counter.build("recsys_feature_cache_misses_total", "Feature cache misses")
            .register(registry);
    public final Counter annCacheHits = Counter.build("recsys_ann_cache_hits_total",
            "ANN candidate lists reused for the same bundle and user history").register(registry);
    public final Counter annCacheMisses = Counter.build("recsys_ann_cache_misses_total",
            "ANN candidate lists searched in the HNSW index").register(registry);
    public final Counter featureHeadsApplied = Counter.build("recsys_feature_heads_applied_total",
            "Held entities whose features were derived again from a head the change feed carried, without a store read")
            .register(registry);
    public final Counter featureWritesSeen = Counter.build("recsys_feature_writes_seen_total",
            "Entities the change feed reported with a row newer than any write it reported before: the rate at which"
                    + " the feature job's rows reach the API (a row stamped before an earlier-reported one is missed)")
            .register(registry);
    public final Counter eventsAccepted = Counter.build("recsys_events_accepted_total",
            "Events accepted by POST /v1/events and published to Kafka").register(registry);
    public final Counter eventsRejected = Counter.build("recsys_events_rejected_total",
            "Events refused by POST /v1/events, by reason").labelNames("reason").register(registry);
    public final Counter errors = Counter.build("recsys_errors_total", "Errors by kind").labelNames("kind")
            .register(registry);
    public final Counter responses = Counter.build("recsys_http_responses_total", "HTTP responses")
            .labelNames("route", "status").register(registry);
    public final Counter recommendations = Counter.build("recsys_recommendations_total",
            "Recommendation responses by model version, experiment arm and whether degraded")
            .labelNames("model_version", "arm", "degraded").register(registry);
    public final Counter impressionsLogged = Counter.build("recsys_impressions_logged_total",
            "Impression events published for served items").labelNames("arm").register(registry);
    public final Counter shed = Counter.build("recsys_requests_shed_total",
            "Requests refused with 503 + Retry-After because the API was overloaded; by reason:"
                    + " recsys_requests_shed_by_reason_total").register(registry);
    public final Counter shedByReason = Counter.build("recsys_requests_shed_by_reason_total",
            "Requests refused with 503: in_flight (the limit was reached) or queue_time (waited past the budget for"
                    + " a worker)").labelNames("reason").register(registry);
    public final Gauge storeBreakerState = Gauge.build("recsys_store_breaker_state",
                    "1 for the state the feature store's circuit breaker is in (closed: reads go to the store; open:"
                            + " reads are skipped after failures in a row; half_open: one probe read is let through)")
            .labelNames("state").register(registry);
    public final Counter storeBreakerOpens = Counter.build("recsys_store_breaker_opens_total",
            "Times the feature store's circuit breaker opened from closed: store outages the API noticed")
            .register(registry);
    public final Counter storeReads = Counter.build("recsys_store_reads_total",
            "Feature store reads by the API (features, item categories, trending, change looks) by outcome: ok,"
                    + " failed, or skipped by the open circuit breaker without touching the store")
            .labelNames("outcome").register(registry);
    public final Counter rateLimited = Counter.build("recsys_requests_rate_limited_total",
            "Requests refused with 429 + Retry-After because their client was over --rate-limit-per-client")
            .register(registry);
    public final Histogram queueWait = Histogram.build("recsys_queue_wait_seconds",
                    "Time a recommendation request waited for a ranking worker")
            .buckets(0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1).register(registry);
    public final Gauge inFlight = Gauge.build("recsys_requests_in_flight", "Recommendation requests in flight")
            .register(registry);
    public final Gauge modelInfo = Gauge.build("recsys_model_info", "1 for each bundle version serving, by arm")
            .labelNames("arm", "model_version").register(registry);
    public final Histogram scores = Histogram.build("recsys_served_score", "GBDT click probability of served items")
            .buckets(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9).register(registry);

    public final FeatureDrift drift = new FeatureDrift(System::nanoTime).register(registry);

    public ApiMetrics() {
        // A labelled counter is missing from /metrics until its first increment, and a dashboard query on it shows
        // "no data" where it should show 0; so every label value the code can count, each an enum constant, exists
        // from the start.
        for (RejectReason reason : RejectReason.values()) {
            eventsRejected.labels(reason.label());
        }
        for (ProducerRefusal refusal : ProducerRefusal.values()) {
            eventsRejected.labels(refusal.label());
        }
        for (ErrorKind kind : ErrorKind.values()) {
            errors.labels(kind.label());
        }
        for (ShedReason reason : ShedReason.values()) {
            shedByReason.labels(reason.label());
        }
        for (StoreReadOutcome outcome : StoreReadOutcome.values()) {
            storeReads.labels(outcome.label());
        }
        // The API's latency tail was the collector's pauses (docs/benchmarks.md), so heap and pauses belong beside
        // the request metrics. DefaultExports would add MemoryAllocationExports too, which hangs a listener on
        // every collector per registry and never removes it: one more for every server a JVM starts.
        new StandardExports().register(registry);
        new MemoryPoolsExports().register(registry);
        new GarbageCollectorExports().register(registry);
        new ThreadExports().register(registry);
        new BufferPoolsExports().register(registry);
        new ClassLoadingExports().register(registry);
        new VersionInfoExports().register(registry);
    }

    public void countError(ErrorKind kind) {
        errors.labels(kind.label()).inc();
    }

    /**
     * Makes {@link #modelInfo} 1 for exactly these bundles, and creates their arms' recommendation counters, degraded
     * and not, and impression counters at 0: the degraded share then reads 0 until a degraded answer, not nothing.
     *
     * @param versionsByArm each arm serving → the version of its bundle
     */
    public void nowServing(Map<String, String> versionsByArm) {
        modelInfo.clear();
        versionsByArm.forEach((arm, version) -> {
            modelInfo.labels(arm, version).set(1);
            recommendations.labels(version, arm, "false");
            recommendations.labels(version, arm, "true");
            impressionsLogged.labels(arm);
        });
    }
}
