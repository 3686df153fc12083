package io.recsys.cli;

import io.recsys.api.ApiConfig;
import io.recsys.api.http.TrustedProxies;
import io.recsys.kafka.KafkaConnection;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Options of the commands that run the ranker API. */
final class ApiOptions {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the API (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--admin-token-env", defaultValue = "RECSYS_ADMIN_TOKEN",
            description = "Environment variable holding the token POST /v1/models/reload requires; reload is"
                    + " disabled when it is unset (default: ${DEFAULT-VALUE}).")
    String adminTokenEnv;

    @Option(names = "--body-limit", defaultValue = "1048576",
            description = "Largest request body in bytes; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long bodyLimit;

    @Option(names = "--max-in-flight", defaultValue = "32",
            description = "Requests ranked or waiting for a worker before new ones get 503 + Retry-After at once"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--max-queue-ms", defaultValue = "5",
            description = "Queue-delay target: once requests have waited longer than this for a ranking worker"
                    + " throughout 100 ms (a standing queue, not a pause), those that did get 503 + Retry-After"
                    + " (default: ${DEFAULT-VALUE}).")
    long maxQueueMillis;

    @Option(names = "--workers", defaultValue = "2",
            description = "Ranking worker threads; one per core leaves the event loops (also one per core) room to"
                    + " accept and refuse requests under overload (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--rate-limit-per-client", defaultValue = "0", paramLabel = "REQUESTS_PER_S",
            description = "Requests per second each client address may send to the /v1/ routes, in bursts of up to"
                    + " one second's worth; beyond it 429 + Retry-After. Behind a proxy every client has the proxy's"
                    + " address unless the proxy is a --trusted-proxy (default: ${DEFAULT-VALUE}, no quota).")
    double rateLimitPerClient;

    @Option(names = "--trusted-proxy", split = ",", paramLabel = "ADDRESS[/BITS]",
            description = "Proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client"
                    + " for --rate-limit-per-client; from anyone else the header is ignored (default: none).")
    List<String> trustedProxies = List.of();

    @Option(names = "--cors-origin", description = "Allow cross-origin requests from this one origin (default: off).")
    String corsOrigin;

    @Option(names = "--feature-refresh-ms", defaultValue = "1000", paramLabel = "MS",
            description = "How often the API asks the store which entities were written since its last look"
                    + " (default: ${DEFAULT-VALUE}): about the delay it adds to served features; each look scans"
                    + " the store's table of latest rows (docs/operations.md).")
    long featureRefreshMillis;

    @Option(names = "--change-feed", defaultValue = "kafka", paramLabel = "kafka|store",
            description = "How the API learns what the feature job wrote: 'kafka' reads the job's change topic, whose"
                    + " messages carry the written rows, so held features follow writes without store reads; 'store'"
                    + " asks the store every --feature-refresh-ms (a scan of its latest rows per look and replica, then"
                    + " a re-read of each written entity held), for a job that publishes no change topic"
                    + " (default: ${DEFAULT-VALUE}; docs/operations.md).")
    String changeFeed;

    @Option(names = "--producer-tokens", paramLabel = "FILE",
            description = "Producers allowed to POST /v1/events, one 'PRODUCER TOKEN' line each (a mounted Secret);"
                    + " re-read when it changes, so tokens rotate without a restart.")
    Path producerTokens;

    @Option(names = "--open-events", description = "Let anyone who reaches the API write events (serve refuses to"
            + " start without this or --producer-tokens).")
    boolean openEvents;

    @Option(names = "--candidates", defaultValue = "500",
            description = "ANN candidates per request (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--ann-cache-users", defaultValue = "50000", paramLabel = "USERS",
            description = "Users whose ANN candidate lists are remembered while their history stays the same; 0 "
                    + "searches on every request (default: ${DEFAULT-VALUE}).")
    int annCacheUsers;

    @Option(names = "--rerank-head", defaultValue = "100",
            description = "How many of the GBDT's top the ONNX reranker reorders (default: ${DEFAULT-VALUE}).")
    int rerankHead;

    @Option(names = "--block", split = ",", description = "Items never to recommend (comma-separated).")
    Set<String> blocked = Set.of();

    @Option(names = "--job-metrics", paramLabel = "URL",
            description = "The feature job's Prometheus endpoint (Flink's reporter, e.g. http://HOST:9249/metrics):"
                    + " the page charts its events/s, lag and per-arm CTR beside the API's own numbers (default: none;"
                    + " demo: its own job's).")
    java.net.URI jobMetrics;

    @Option(names = "--explore-share", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of lists whose top --explore-head items are shown in a random order, each impression"
                    + " logging its propensity, so another ranking's CTR can be estimated from logged traffic (the"
                    + " learning loop's replay gate reports it); costs those lists some clicks (default:"
                    + " ${DEFAULT-VALUE}, off).")
    double exploreShare;

    @Option(names = "--explore-head", defaultValue = "10",
            description = "Positions an explored list shuffles (default: ${DEFAULT-VALUE}).")
    int exploreHead;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve HTTPS (with --tls-key). Default: HTTP.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key of --tls-cert.")
    Path tlsKey;

    ApiConfig config(Path bundlesDir, String storeUrl, KafkaConnection kafka) {
        if (bodyLimit <= 0 || maxInFlight <= 0 || maxQueueMillis <= 0 || workers <= 0 || candidates <= 0
                || rerankHead < 0) {
            throw new IllegalArgumentException("--body-limit, --max-in-flight, --max-queue-ms, --workers and"
                    + " --candidates must be positive, --rerank-head zero or more");
        }
        if (!(rateLimitPerClient >= 0) || Double.isInfinite(rateLimitPerClient)) {
            throw new IllegalArgumentException("--rate-limit-per-client must be 0 (no quota) or a positive number of"
                    + " requests per second, not " + rateLimitPerClient);
        }
        if (featureRefreshMillis < 50) {
            throw new IllegalArgumentException("--feature-refresh-ms must be at least 50, not " + featureRefreshMillis);
        }
        if (producerTokens != null && openEvents) {
            throw new IllegalArgumentException("--producer-tokens and --open-events contradict each other: give one");
        }
        if (!changeFeed.equals("store") && !changeFeed.equals("kafka")) {
            throw new IllegalArgumentException("--change-feed is store or kafka, not " + changeFeed);
        }
        TrustedProxies.parse(trustedProxies);
        if (jobMetrics != null && (!List.of("http", "https").contains(String.valueOf(jobMetrics.getScheme()))
                || jobMetrics.getHost() == null)) {
            throw new IllegalArgumentException("--job-metrics must look like http://HOST:PORT/metrics, not "
                    + jobMetrics);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both, or neither for HTTP");
        }
        for (Path file : tlsCert == null ? List.<Path>of() : List.of(tlsCert, tlsKey)) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read " + file);
            }
        }
        String token = System.getenv(adminTokenEnv);
        return ApiConfig.builder(bundlesDir, storeUrl, kafka)
                .host(host)
                .port(port)
                .bodyLimitBytes(bodyLimit)
                .adminToken(token == null || token.isBlank() ? null : token)
                .corsOrigin(corsOrigin)
                .maxInFlight(maxInFlight)
                .workers(workers)
                .maxQueueMillis(maxQueueMillis)
                .featureCacheMillis(featureRefreshMillis)
                .candidates(candidates)
                .annCacheUsers(annCacheUsers)
                .rerankHead(rerankHead)
                .diversity(0.1)
                .blockedItems(blocked)
                .tls(tlsCert == null ? null : new ApiConfig.Tls(tlsCert, tlsKey))
                .rateLimit(rateLimitPerClient, trustedProxies)
                .kafkaChangeFeed(changeFeed.equals("kafka"))
                .producerTokens(producerTokens)
                .jobMetrics(jobMetrics)
                .exploration(new ApiConfig.ExplorationSettings(exploreShare, exploreHead))
                .build();
    }

    /** What a server that may face the internet needs: an explicit choice about who may write events. */
    void requireEventWriteChoice() {
        if (producerTokens == null && !openEvents) {
            throw new IllegalArgumentException("who may write events? Give --producer-tokens FILE (one 'PRODUCER TOKEN'"
                    + " line each), or --open-events to let anyone who reaches the API post clicks that move the ranking");
        }
    }

    /** True when POST /v1/events takes events from anyone. */
    boolean eventsOpen() {
        return producerTokens == null;
    }
}
