package io.recsys.api;

import io.recsys.kafka.KafkaConnection;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the API runs: everything a user can set from the command line or the environment. Immutable; built with
 * {@link #builder(Path, String, KafkaConnection)}, which starts from the defaults below so that a caller names only
 * what it sets, and changed with {@link #toBuilder()}.
 *
 * <ul>
 *   <li>{@code host}, {@code port}: where to listen (default 0.0.0.0:8080); port 0 takes a free one</li>
 *   <li>{@code bodyLimitBytes}: the largest request body (default {@link #DEFAULT_BODY_LIMIT})</li>
 *   <li>{@code adminToken}: required on POST /v1/models/reload; null (default) disables reload</li>
 *   <li>{@code corsOrigin}: the one origin allowed cross-origin requests; null (default) sends no CORS headers</li>
 *   <li>{@code bundlesDir}, {@code storeUrl}, {@code kafka}: the model bundles, the feature store, and the Kafka the
 *       API publishes events to (and reads feature changes from), with its user's security settings</li>
 *   <li>{@code maxInFlight}: requests being ranked or waiting for a worker beyond which new ones get 503 at once
 *       (default 64)</li>
 *   <li>{@code workers}: the ranking worker pool's size (default 2)</li>
 *   <li>{@code maxQueueMillis}: queue-delay target: when waits for a ranking worker stay above it for 100 ms,
 *       requests that waited longer get 503 instead of being ranked late (CoDel-style shedding on queue time;
 *       default 5)</li>
 *   <li>{@code featureCacheMillis}: how often the API asks the store which entities were written since: about the
 *       delay before a new event's effect on features is served (default 1000)</li>
 *   <li>{@code candidates}: ANN candidates per request, trending adds as many again for cold users (default 500)</li>
 *   <li>{@code annCacheUsers}: users whose ANN candidate lists are remembered, so that a user asking again with the
 *       same history skips the search; 0 searches on every request (default 50,000, ~6 KB each at 500 candidates)</li>
 *   <li>{@code rerankHead}: how many of the GBDT's top the ONNX reranker reorders (default 100)</li>
 *   <li>{@code diversity}: MMR weight of the penalty for repeating a category, 0 turns diversity off (default 0.1)</li>
 *   <li>{@code blockedItems}: items never recommended (default none)</li>
 *   <li>{@code tls}: the certificate and key to serve HTTPS with; null (default) serves plain HTTP</li>
 *   <li>{@code rateLimitPerClient}: requests per second each client may send to the /v1/ routes (a burst of one
 *       second's worth); 0 (default) sets no quota</li>
 *   <li>{@code trustedProxies}: addresses or CIDR ranges whose X-Forwarded-For names the client for the quota</li>
 *   <li>{@code kafkaChangeFeed}: learn which entities were written from the feature job's change topic instead of
 *       asking the store every {@code featureCacheMillis} (a scan of its latest rows per look and replica)</li>
 *   <li>{@code producerTokens}: the file of producers and their tokens POST /v1/events requires
 *       ({@code ProducerTokens}); null (default) leaves event writes open to anyone who can reach the API</li>
 *   <li>{@code jobMetrics}: the feature job's Prometheus endpoint, whose numbers the page charts beside the API's own;
 *       null (default): the page says the job's charts have no source</li>
 *   <li>{@code exploration}: the share of lists explored for off-policy evaluation, and how many positions
 *       (default {@link ExplorationSettings#OFF})</li>
 * </ul>
 */
public final class ApiConfig {

    public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;

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

    private final String host;
    private final int port;
    private final long bodyLimitBytes;
    private final String adminToken;
    private final String corsOrigin;
    private final Path bundlesDir;
    private final String storeUrl;
    private final KafkaConnection kafka;
    private final int maxInFlight;
    private final int workers;
    private final long maxQueueMillis;
    private final long featureCacheMillis;
    private final int candidates;
    private final int annCacheUsers;
    private final int rerankHead;
    private final double diversity;
    private final Set<String> blockedItems;
    private final Tls tls;
    private final double rateLimitPerClient;
    private final List<String> trustedProxies;
    private final boolean kafkaChangeFeed;
    private final Path producerTokens;
    private final URI jobMetrics;
    private final ExplorationSettings exploration;

    private ApiConfig(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.bodyLimitBytes = builder.bodyLimitBytes;
        this.adminToken = builder.adminToken;
        this.corsOrigin = builder.corsOrigin;
        this.bundlesDir = builder.bundlesDir;
        this.storeUrl = builder.storeUrl;
        this.kafka = builder.kafka;
        this.maxInFlight = builder.maxInFlight;
        this.workers = builder.workers;
        this.maxQueueMillis = builder.maxQueueMillis;
        this.featureCacheMillis = builder.featureCacheMillis;
        this.candidates = builder.candidates;
        this.annCacheUsers = builder.annCacheUsers;
        this.rerankHead = builder.rerankHead;
        this.diversity = builder.diversity;
        this.blockedItems = builder.blockedItems;
        this.tls = builder.tls;
        this.rateLimitPerClient = builder.rateLimitPerClient;
        this.trustedProxies = builder.trustedProxies;
        this.kafkaChangeFeed = builder.kafkaChangeFeed;
        this.producerTokens = builder.producerTokens;
        this.jobMetrics = builder.jobMetrics;
        this.exploration = builder.exploration;
    }

    /** The defaults, with the three things the API cannot run without. */
    public static Builder builder(Path bundlesDir, String storeUrl, KafkaConnection kafka) {
        return new Builder(bundlesDir, storeUrl, kafka);
    }

    /** A builder holding this configuration's values, to change some of them. */
    public Builder toBuilder() {
        return new Builder(bundlesDir, storeUrl, kafka).host(host).port(port).bodyLimitBytes(bodyLimitBytes)
                .adminToken(adminToken).corsOrigin(corsOrigin).maxInFlight(maxInFlight).workers(workers)
                .maxQueueMillis(maxQueueMillis).featureCacheMillis(featureCacheMillis).candidates(candidates)
                .annCacheUsers(annCacheUsers)
                .rerankHead(rerankHead).diversity(diversity).blockedItems(blockedItems).tls(tls)
                .rateLimit(rateLimitPerClient, trustedProxies).kafkaChangeFeed(kafkaChangeFeed)
                .producerTokens(producerTokens).jobMetrics(jobMetrics).exploration(exploration);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public long bodyLimitBytes() {
        return bodyLimitBytes;
    }

    public String adminToken() {
        return adminToken;
    }

    public String corsOrigin() {
        return corsOrigin;
    }

    public Path bundlesDir() {
        return bundlesDir;
    }

    public String storeUrl() {
        return storeUrl;
    }

    public KafkaConnection kafka() {
        return kafka;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public int workers() {
        return workers;
    }

    public long maxQueueMillis() {
        return maxQueueMillis;
    }

    public long featureCacheMillis() {
        return featureCacheMillis;
    }

    public int candidates() {
        return candidates;
    }

    public int annCacheUsers() {
        return annCacheUsers;
    }

    public int rerankHead() {
        return rerankHead;
    }

    public double diversity() {
        return diversity;
    }

    public Set<String> blockedItems() {
        return blockedItems;
    }

    public Tls tls() {
        return tls;
    }

    public double rateLimitPerClient() {
        return rateLimitPerClient;
    }

    public List<String> trustedProxies() {
        return trustedProxies;
    }

    public boolean kafkaChangeFeed() {
        return kafkaChangeFeed;
    }

    public Path producerTokens() {
        return producerTokens;
    }

    public URI jobMetrics() {
        return jobMetrics;
    }

    public ExplorationSettings exploration() {
        return exploration;
    }

    /** Starts from the defaults in the class comment; every setter returns the builder. */
    public static final class Builder {

        private final Path bundlesDir;
        private final String storeUrl;
        private final KafkaConnection kafka;
        private String host = "0.0.0.0";
        private int port = 8080;
        private long bodyLimitBytes = DEFAULT_BODY_LIMIT;
        private String adminToken;
        private String corsOrigin;
        private int maxInFlight = 64;
        private int workers = 2;
        private long maxQueueMillis = 5;
        private long featureCacheMillis = 1000;
        private int candidates = 500;
        private int annCacheUsers = 50_000;
        private int rerankHead = 100;
        private double diversity = 0.1;
        private Set<String> blockedItems = Set.of();
        private Tls tls;
        private double rateLimitPerClient;
        private List<String> trustedProxies = List.of();
        private boolean kafkaChangeFeed;
        private Path producerTokens;
        private URI jobMetrics;
        private ExplorationSettings exploration = ExplorationSettings.OFF;

        private Builder(Path bundlesDir, String storeUrl, KafkaConnection kafka) {
            this.bundlesDir = Objects.requireNonNull(bundlesDir, "bundlesDir");
            this.storeUrl = Objects.requireNonNull(storeUrl, "storeUrl");
            this.kafka = Objects.requireNonNull(kafka, "kafka");
        }

        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host");
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder bodyLimitBytes(long value) {
            this.bodyLimitBytes = value;
            return this;
        }

        /** Null disables model reload. */
        public Builder adminToken(String value) {
            this.adminToken = value;
            return this;
        }

        /** Null sends no CORS headers. */
        public Builder corsOrigin(String value) {
            this.corsOrigin = value;
            return this;
        }

        public Builder maxInFlight(int value) {
            this.maxInFlight = value;
            return this;
        }

        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        public Builder maxQueueMillis(long value) {
            this.maxQueueMillis = value;
            return this;
        }

        public Builder featureCacheMillis(long value) {
            this.featureCacheMillis = value;
            return this;
        }

        public Builder candidates(int value) {
            this.candidates = value;
            return this;
        }

        public Builder annCacheUsers(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("annCacheUsers must be 0 (no cache) or more, not " + value);
            }
            this.annCacheUsers = value;
            return this;
        }

        public Builder rerankHead(int value) {
            this.rerankHead = value;
            return this;
        }

        public Builder diversity(double value) {
            this.diversity = value;
            return this;
        }

        public Builder blockedItems(Set<String> value) {
            this.blockedItems = Set.copyOf(value);
            return this;
        }

        /** Null serves plain HTTP. */
        public Builder tls(Tls value) {
            this.tls = value;
            return this;
        }

        /** Requests per second per client on the /v1/ routes (0: no quota), and whose X-Forwarded-For to believe. */
        public Builder rateLimit(double perClient, List<String> proxies) {
            this.rateLimitPerClient = perClient;
            this.trustedProxies = List.copyOf(proxies);
            return this;
        }

        public Builder kafkaChangeFeed(boolean value) {
            this.kafkaChangeFeed = value;
            return this;
        }

        /** Null leaves event writes open. */
        public Builder producerTokens(Path file) {
            this.producerTokens = file;
            return this;
        }

        /** Null: the page's job charts have no source. */
        public Builder jobMetrics(URI url) {
            this.jobMetrics = url;
            return this;
        }

        public Builder exploration(ExplorationSettings value) {
            this.exploration = Objects.requireNonNull(value, "exploration");
            return this;
        }

        public ApiConfig build() {
            return new ApiConfig(this);
        }
    }
}
