package io.recsys.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.training.SyntheticBundles;
import io.recsys.schema.feature.FeatureRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The ranker API in this JVM, as {@code ./recsys serve} runs it, against a given store and Kafka broker, serving a
 * bundle trained on synthetic data; and a client with a fixed timeout, so "answers" means "answers in time".
 */
final class ApiUnderTest implements AutoCloseable {

    /** What a client saw: the status (0 for no answer within the timeout), the body, how long it took. */
    record Answer(int status, String body, String retryAfter, long millis) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " in " + millis + " ms: " + body;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RankerApi api;
    private final Duration clientTimeout;
    // HTTP/1.1: on plain HTTP the JDK client's h2c upgrade sometimes never returned, its timeout notwithstanding
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ApiUnderTest(RankerApi api, Duration clientTimeout) {
        this.api = api;
        this.clientTimeout = clientTimeout;
    }

    /** Creates the system's topics if missing (impressions are logged to them) and starts the API on a free port. */
    static ApiUnderTest start(Path dir, String storeUrl, String kafkaBootstrap, FeatureRegistry registry,
                              Duration clientTimeout) throws Exception {
        KafkaConnection kafka = KafkaConnection.plaintext(kafkaBootstrap);
        Topics.ensure(kafka, 2);
        BundleRegistry bundles = new BundleRegistry(dir.resolve("bundles"));
        SyntheticBundles.write(bundles.root(), "v1", 1, registry.version());
        bundles.promote("v1");
        // serve's defaults, on loopback and a free port, without an admin token; a queue budget no single
        // request meets, so what is measured is the store, not shedding
        ApiConfig config = ApiConfig.builder(bundles.root(), storeUrl, kafka)
                .host("127.0.0.1").port(0).maxQueueMillis(5_000).build();
        return new ApiUnderTest(RankerApi.start(config, registry), clientTimeout);
    }

    Answer recommend(String userId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/v1/recommendations?k=10&user_id=" + userId)).GET());
    }

    Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    /** The API's /metrics, in Prometheus' text format. */
    String metrics() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/metrics")).GET()).body();
    }

    Answer postEvents(String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/v1/events")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + api.port() + pathAndQuery);
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.timeout(clientTimeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(),
                    response.headers().firstValue("Retry-After").orElse(null), millisSince(started));
        } catch (HttpTimeoutException e) {
            return new Answer(0, "no answer within " + clientTimeout.toMillis() + " ms", null, millisSince(started));
        }
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Override
    public void close() {
        api.close();
    }
}
