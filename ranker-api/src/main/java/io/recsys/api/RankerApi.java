package io.recsys.api;

import io.prometheus.client.CollectorRegistry;
import io.recsys.api.http.RankerServer;
import io.recsys.api.live.LiveSampler;
import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.Catalogue;
import io.recsys.api.serving.Exploration;
import io.recsys.api.serving.EventIngest;
import io.recsys.api.serving.ImpressionLogger;
import io.recsys.api.serving.QuickPicks;
import io.recsys.api.serving.RecommendationService;
import io.recsys.api.serving.ServingModels;
import io.recsys.kafka.KafkaConnection;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.OnlineStore;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/** Wires the API from its configuration: store, Kafka producer, bundles, ranking pipeline and HTTP server. */
public final class RankerApi implements AutoCloseable {

    /**
     * How long a request waits for a store connection before it ranks with held features or the registry's
     * defaults (degraded). The store pool's default, 10 s, made every request wait 10 s per read while the database
     * was down: answers took 20 s, past any client's timeout (StoreOutageTest).
     */
    public static final Duration STORE_CONNECTION_TIMEOUT = Duration.ofSeconds(1);

    /**
     * Store reads failed in a row after which the API stops reading the store and serves held values or defaults
     * at once (StoreBreaker). Three, as many as one request makes: a store that is down opens it within the first
     * request or two, while one failed read (a dropped connection) does not.
     */
    public static final int STORE_BREAKER_FAILURES = 3;

    /**
     * How long the breaker stays open before one read probes the store. A probe of a store still down costs one
     * read a connection timeout (1 s), so at most one read in five seconds waits; a store that is back is used
     * again within five seconds.
     */
    public static final Duration STORE_BREAKER_COOL_DOWN = Duration.ofSeconds(5);

    /** Kafka's default batch size, for the producer whose sends a client waits for (POST /v1/events). */
    private static final int DEFAULT_BATCH_BYTES = 16_384;

    /**
     * Impressions have their own producer: nobody waits for them, so they wait longer to fill larger batches. Twenty
     * records per request sent within 2 ms of each other made hundreds of small produce requests a second, and the
     * broker's work per request showed beside the ranking itself.
     */
    private static final int IMPRESSION_LINGER_MILLIS = 20;
    private static final int IMPRESSION_BATCH_BYTES = 256 * 1024;

    private final Vertx vertx;
    private final FeatureStore store;
    private final KafkaProducer<String, String> producer;
    private final KafkaProducer<String, String> impressionProducer;
    private final ServingModels models;
    private final StoreReads reads;
    private final LiveSampler live;
    private final RankerServer server;
    private final int port;
    private final CollectorRegistry metrics;

    private RankerApi(Vertx vertx, FeatureStore store, KafkaProducer<String, String> producer,
                      KafkaProducer<String, String> impressionProducer, ServingModels models, StoreReads reads,
                      LiveSampler live, RankerServer server, int port, CollectorRegistry metrics) {
        this.vertx = vertx;
        this.store = store;
        this.producer = producer;
        this.impressionProducer = impressionProducer;
        this.models = models;
        this.reads = reads;
        this.live = live;
        this.server = server;
        this.port = port;
        this.metrics = metrics;
    }

    /** Starts the API with the registry's current bundle; fails if it cannot be loaded. */
    public static RankerApi start(ApiConfig config, FeatureRegistry registry) throws Exception {
        Vertx vertx = Vertx.vertx();
        FeatureStore store = null;
        KafkaProducer<String, String> producer = null;
        KafkaProducer<String, String> impressionProducer = null;
        ServingModels models = null;
        StoreReads reads = null;
        LiveSampler live = null;
        try {
            store = FeatureStores.open(config.storeUrl(), registry, Clock.systemUTC(), 4, STORE_CONNECTION_TIMEOUT);
            OnlineStore online = store.online();
            producer = producer(config.kafka(), 2, DEFAULT_BATCH_BYTES);
            impressionProducer = producer(config.kafka(), IMPRESSION_LINGER_MILLIS, IMPRESSION_BATCH_BYTES);
            BundleRegistry bundles = new BundleRegistry(config.bundlesDir());
            models = new ServingModels(bundles, registry);
            models.reload(null, null, 0);
            ApiMetrics metrics = new ApiMetrics();
            reads = StoreReads.open(online, registry, metrics, Duration.ofMillis(config.featureCacheMillis()),
                    config.kafkaChangeFeed() ? config.kafka() : null);
            RecommendationService recommendations = new RecommendationService(models, reads.features(),
                    reads.trending(), new Catalogue(store.catalogue(), reads.breaker()),
                    new ImpressionLogger(impressionProducer, metrics),
                    metrics, config.candidates(), config.annCacheUsers(), config.rerankHead(), config.diversity(), config.blockedItems(),
                    new Exploration(config.exploration().share(), config.exploration().head(), System.nanoTime()));
            live = new LiveSampler(metrics, config.jobMetrics(), Clock.systemUTC());
            // readiness reads the latest global row: the cheapest read the store has
            RankerServer server = new RankerServer(vertx, config, recommendations,
                    new EventIngest(producer, metrics, Clock.systemUTC()), models, bundles, online, store.offline(),
                    () -> online.latestRow(EntityKey.GLOBAL), metrics, live,
                    new QuickPicks(reads.recentWrites(), online));
            int port = server.start().await();
            server.updateModelInfo();
            return new RankerApi(vertx, store, producer, impressionProducer, models, reads, live, server, port,
                    metrics.registry);
        } catch (Exception | Error e) {
            if (live != null) {
                live.close();
            }
            if (reads != null) {
                reads.close();
            }
            if (models != null) {
                models.close();
            }
            for (KafkaProducer<String, String> opened : Arrays.asList(producer, impressionProducer)) {
                if (opened != null) {
                    opened.close(Duration.ofSeconds(1));
                }
            }
            if (store != null) {
                store.close();
            }
            vertx.close();
            throw e;
        }
    }

    /**
     * Idempotent, acknowledged by all replicas, and failing fast when the broker cannot be reached: a request
     * that publishes waits at most {@code max.block.ms} for metadata or buffer space.
     */
    private static KafkaProducer<String, String> producer(KafkaConnection kafka, int lingerMillis, int batchBytes) {
        return new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, lingerMillis,
                ProducerConfig.BATCH_SIZE_CONFIG, batchBytes,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)),
                new StringSerializer(), new StringSerializer());
    }

    public int port() {
        return port;
    }

    public ServingModels models() {
        return models;
    }

    /** What /metrics exports: a process that hosts the API (the demo) adds its own collectors here. */
    public CollectorRegistry metricsRegistry() {
        return metrics;
    }

    @Override
    public void close() {
        server.close();
        vertx.close().await();
        live.close();
        reads.close();
        producer.close(Duration.ofSeconds(5));
        impressionProducer.close(Duration.ofSeconds(5));
        models.close();
        store.close();
    }
}
