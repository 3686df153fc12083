package io.recsys.api;

import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.training.SyntheticBundles;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.testing.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/** A running API on an embedded broker, a fresh embedded store and bundles trained on synthetic data. */
final class ApiFixture implements AutoCloseable {

    static final String TOKEN = "test-admin-token";
    static final FeatureRegistry REGISTRY = FeatureRegistry.load();

    final EmbeddedKafka kafka;
    final FeatureStore store;
    final BundleRegistry bundles;
    final RankerApi api;
    /**
     * HTTP/1.1 only: by default the JDK client offers an h2c upgrade on every plain-HTTP request, and once in five
     * full runs a GET then never returned, its own request timeout notwithstanding.
     */
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiFixture(Path dir) throws Exception {
        this(dir, config -> config);
    }

    /** The same, with {@code adjust} applied to the API's configuration. */
    ApiFixture(Path dir, UnaryOperator<ApiConfig.Builder> adjust) throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Topics.ensure(kafka.connection(), 2);
        String storeUrl = TestDatabases.freshH2();
        store = FeatureStores.open(storeUrl, REGISTRY);
        long now = System.currentTimeMillis();
        List<FeatureRow> rows = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            rows.add(new FeatureRow(EntityType.ITEM, "i" + i, now - 60_000,
                    new Counters(100, i, 0, 0, 0, 100, i, now - 3_600_000)));
        }
        store.writer().write(rows, List.of(), List.of());
        bundles = new BundleRegistry(dir.resolve("bundles"));
        writeBundle(bundles.root(), "v1", 1);
        writeBundle(bundles.root(), "v2", 2);
        bundles.promote("v1");
        ApiConfig.Builder config = ApiConfig.builder(bundles.root(), storeUrl, kafka.connection())
                .host("127.0.0.1").port(0).bodyLimitBytes(64 * 1024).adminToken(TOKEN)
                .maxInFlight(64).workers(2).maxQueueMillis(5_000).featureCacheMillis(200)
                .candidates(100).rerankHead(20).diversity(0.1).blockedItems(java.util.Set.of("i13"));
        api = RankerApi.start(adjust.apply(config).build(), REGISTRY);
    }

    static void writeBundle(Path root, String version, long seed) throws Exception {
        SyntheticBundles.write(root, version, seed, REGISTRY.version());
    }

    String base() {
        return "http://127.0.0.1:" + api.port();
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return answer(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET()
                .timeout(Duration.ofSeconds(20)).build());
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return answer(request.build());
    }

    /** The answer, or a failure naming the request after a hard deadline: a test must fail, not hang the build. */
    private HttpResponse<String> answer(HttpRequest request) throws Exception {
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer to " + request.method() + " " + request.uri() + " within 30 s", e);
        } catch (ExecutionException e) {
            // what send() would have thrown, e.g. the IOException of plain HTTP on a TLS port
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * The broker is stopped whatever else fails: left running, it finds its log directory deleted with the test's
     * temporary directory and halts the whole test JVM.
     */
    @Override
    public void close() {
        try {
            api.close();
        } finally {
            try {
                store.close();
            } finally {
                kafka.close();
            }
        }
    }
}
