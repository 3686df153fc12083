package io.recsys.api;

import io.recsys.kafka.KafkaConnection;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * How the API runs. Everything a user can set from the command line or the environment.
 *
 * @param kafka           the Kafka the API publishes events to (and reads feature changes from), with its user's
 *                        security settings
 * @param adminToken      required on POST /v1/models/reload; null disables reload
 * @param corsOrigin      the one origin allowed cross-origin requests; null (default) sends no CORS headers
 * @param maxInFlight     requests being ranked or waiting for a worker beyond which new ones get 503 at once
 * @param maxQueueMillis  queue-delay target: when waits for a ranking worker stay above it for 100 ms, requests that
 *                        waited longer get 503 instead of being ranked late (CoDel-style shedding on queue time)
 * @param featureCacheMillis how often the API asks the store which entities were written since: about the delay
 *                        before a new event's effect on features is served
 * @param candidates      ANN candidates per request (trending adds as many again for cold users)
 * @param rerankHead      how many of the GBDT's top the ONNX reranker reorders
 * @param diversity       MMR weight of the penalty for repeating a category (0 turns diversity off)
 * @param blockedItems    items never recommended
 * @param tls             the certificate and key to serve HTTPS with; null serves plain HTTP
 * @param rateLimitPerClient requests per second each client may send to the /v1/ routes (a burst of one second's
 *                        worth); 0 (default) sets no quota
 * @param trustedProxies  addresses or CIDR ranges whose X-Forwarded-For names the client for the quota
 * @param kafkaChangeFeed learn which entities were written from the feature job's change topic instead of asking the
 *                        store every {@code featureCacheMillis} (a scan of its latest rows per look and replica)
 * @param producerTokens  the file of producers and their tokens POST /v1/events requires ({@code ProducerTokens});
 *                        null leaves event writes open to anyone who can reach the API
 * @param jobMetrics      the feature job's Prometheus endpoint, whose numbers the page charts beside the API's own;
 *                        null: the page says the job's charts have no source
 * @param exploration     the share of lists explored for off-policy evaluation, and how many positions
 */
public record ApiConfig(String host, int port, long bodyLimitBytes, String adminToken, String corsOrigin,
                        Path bundlesDir, String storeUrl, KafkaConnection kafka, int maxInFlight, int workers,
                        long maxQueueMillis, long featureCacheMillis, int candidates, int rerankHead, double diversity,
                        Set<String> blockedItems, Tls tls, double rateLimitPerClient, List<String> trustedProxies,
                        boolean kafkaChangeFeed, Path producerTokens, java.net.URI jobMetrics,
                        ExplorationSettings exploration) {

    /**
     * The share of lists whose top {@code head} is shown in a random order, each impression logging its propensity
     * (serving/Exploration); share 0 (default) explores nothing.
     */
    public record ExplorationSettings(double share, int head) {
        public static final ExplorationSettings OFF = new ExplorationSettings(0, 10);
    }

    /** A PEM certificate chain and its PEM private key (PKCS#8 or PKCS#1), as a Kubernetes TLS Secret holds them. */
    public record Tls(Path certificate, Path privateKey) {
    }

    /** Plain HTTP. */
    public ApiConfig(String host, int port, long bodyLimitBytes, String adminToken, String corsOrigin,
                     Path bundlesDir, String storeUrl, KafkaConnection kafka, int maxInFlight, int workers,
                     long maxQueueMillis, long featureCacheMillis, int candidates, int rerankHead, double diversity,
                     Set<String> blockedItems) {
        this(host, port, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl, kafka, maxInFlight,
                workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity, blockedItems, null, 0,
                List.of(), false, null, null, ExplorationSettings.OFF);
    }

    public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;

    public static ApiConfig defaults(Path bundlesDir, String storeUrl, KafkaConnection kafka) {
        return new ApiConfig("0.0.0.0", 8080, DEFAULT_BODY_LIMIT, System.getenv("RECSYS_ADMIN_TOKEN"), null,
                bundlesDir, storeUrl, kafka, 64, 2, 5, 1000, 500, 100, 0.1, Set.of());
    }

    public ApiConfig withPort(int newPort) {
        return new ApiConfig(host, newPort, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl,
                kafka, maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity,
                blockedItems, tls, rateLimitPerClient, trustedProxies, kafkaChangeFeed, producerTokens, jobMetrics, exploration);
    }

    public ApiConfig withAdminToken(String token) {
        return new ApiConfig(host, port, bodyLimitBytes, token, corsOrigin, bundlesDir, storeUrl, kafka,
                maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity, blockedItems,
                tls, rateLimitPerClient, trustedProxies, kafkaChangeFeed, producerTokens, jobMetrics, exploration);
    }

    public ApiConfig withTls(Tls value) {
        return new ApiConfig(host, port, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl, kafka,
                maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity, blockedItems,
                value, rateLimitPerClient, trustedProxies, kafkaChangeFeed, producerTokens, jobMetrics, exploration);
    }

    public ApiConfig withRateLimit(double perClient, List<String> proxies) {
        return new ApiConfig(host, port, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl, kafka,
                maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity,
                blockedItems, tls, perClient, List.copyOf(proxies), kafkaChangeFeed, producerTokens, jobMetrics, exploration);
    }

    public ApiConfig withKafkaChangeFeed(boolean value) {
        return new ApiConfig(host, port, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl, kafka,
                maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity,
                blockedItems, tls, rateLimitPerClient, trustedProxies, value, producerTokens, jobMetrics, exploration);
    }

    public ApiConfig withProducerTokens(Path file) {
        return new ApiConfig(host, port, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl, kafka,
                maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity,
                blockedItems, tls, rateLimitPerClient, trustedProxies, kafkaChangeFeed, file, jobMetrics, exploration);
    }

    public ApiConfig withExploration(ExplorationSettings value) {
        return new ApiConfig(host, port, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl, kafka,
                maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity,
                blockedItems, tls, rateLimitPerClient, trustedProxies, kafkaChangeFeed, producerTokens, jobMetrics,
                value);
    }

    public ApiConfig withJobMetrics(java.net.URI url) {
        return new ApiConfig(host, port, bodyLimitBytes, adminToken, corsOrigin, bundlesDir, storeUrl, kafka,
                maxInFlight, workers, maxQueueMillis, featureCacheMillis, candidates, rerankHead, diversity,
                blockedItems, tls, rateLimitPerClient, trustedProxies, kafkaChangeFeed, producerTokens, url, exploration);
    }
}
