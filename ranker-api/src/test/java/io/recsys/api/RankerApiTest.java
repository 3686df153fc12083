package io.recsys.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class RankerApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static ApiFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ApiFixture(dir);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void anUnknownUserGetsAColdStartListNotAnError() throws Exception {
        HttpResponse<String> response = fixture.get("/v1/recommendations?user_id=brand-new-user&k=5");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("items")).hasSize(5);
        assertThat(body.get("model_version").asText()).isEqualTo("v1");
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(body.get("degraded").asBoolean()).isFalse();
        List<String> stages = new ArrayList<>();
        body.get("candidates").fieldNames().forEachRemaining(stages::add);
        assertThat(stages).containsExactly("retrieve", "filter", "features", "rerank", "final");
        assertThat(body.get("candidates").get("final").asInt()).isEqualTo(5);
    }

    @Test
    void aListAskedForWithImpressionsFalseIsNotPublishedAsImpressions() throws Exception {
        double before = impressionsLogged();

        assertThat(fixture.get("/v1/recommendations?user_id=preview-user&k=5&impressions=false").statusCode())
                .isEqualTo(200);
        assertThat(fixture.get("/v1/recommendations?user_id=preview-user&k=5").statusCode()).isEqualTo(200);

        // both lists go to the same partition (keyed by user), so the preview's would have been acknowledged first
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (impressionsLogged() < before + 5 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(impressionsLogged()).isEqualTo(before + 5);
    }

    @Test
    void aFeatureHistoryHasOnePointPerInstantAndRefusesAMalformedEntity() throws Exception {
        JsonNode history = json(fixture.get("/v1/features/item:i3/history?minutes=2&points=5"));

        assertThat(history.get("entity").asText()).isEqualTo("item:i3");
        assertThat(history.get("t")).hasSize(5);
        assertThat(history.get("features").get("clicks_1h")).hasSize(5);
        assertThat(history.get("features").get("clicks_1h").get(4).asDouble()).as("the fixture's 3 clicks").isEqualTo(3);
        HttpResponse<String> refused = fixture.get("/v1/features/nonsense/history");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("error").asText()).isEqualTo("bad_request");
        assertThat(fixture.get("/v1/features/item:i3/history?points=1").statusCode()).isEqualTo(400);
    }

    private static double impressionsLogged() throws Exception {
        return fixture.get("/metrics").body().lines()
                .filter(line -> line.startsWith("recsys_impressions_logged_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void excludedAndBlockedItemsAreNeverRecommended() throws Exception {
        JsonNode body = json(fixture.get("/v1/recommendations?user_id=u1&k=40&exclude=i50,i49"));
        List<String> items = new ArrayList<>();
        body.get("items").forEach(item -> items.add(item.get("item_id").asText()));
        assertThat(items).doesNotContain("i50", "i49", "i13").doesNotHaveDuplicates();
    }

    @Test
    void explainAddsPerStageScoresAndTheFeaturesThatMattered() throws Exception {
        JsonNode item = json(fixture.get("/v1/recommendations?user_id=u2&k=3&explain=true")).get("items").get(0);
        assertThat(item.get("explain").has("gbdt_score")).isTrue();
        assertThat(item.get("explain").get("top_features").size()).isPositive();
    }

    @Test
    void malformedParametersGetA400WithAJsonReason() throws Exception {
        for (String query : List.of("k=5", "user_id=u1&k=0", "user_id=u1&k=201", "user_id=u1&k=abc",
                "user_id=" + "x".repeat(200), "user_id=u1&explain=maybe", "user_id=%20bad%20")) {
            HttpResponse<String> response = fixture.get("/v1/recommendations?" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(json(response).get("error").asText()).as(query).isNotBlank();
        }
    }

    /**
     * The document promises a 400 on every operation for this, and the root handler must keep that promise. Raw HTTP:
     * the JDK's client refuses to send such a query at all.
     */
    @Test
    void everyOperationOfTheDocumentAnswersAMalformedPercentEscapeWith400() throws Exception {
        for (String request : List.of("GET /v1/recommendations?user_id=u1&k=%zz", "POST /v1/events?%zz",
                "GET /v1/features/item:i1?%zz", "GET /v1/models?%zz", "POST /v1/models/reload?%zz",
                "GET /health/live?%zz", "GET /health/ready?%zz", "GET /metrics?%zz")) {
            String response = rawAnswer(request);
            assertThat(response).as(request).startsWith("HTTP/1.1 400 ").contains("\"error\":\"bad_request\"");
        }
    }

    private static String rawAnswer(String requestLine) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.api.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void unknownRoutesAndWrongMethodsGet404And405AsJson() throws Exception {
        HttpResponse<String> missing = fixture.get("/v1/nothing-here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("error").asText()).isEqualTo("not_found");
        HttpResponse<String> wrongMethod = fixture.post("/v1/recommendations?user_id=u1", "{}");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
    }

    @Test
    void everyAnswerIsCountedByStatusRefusalsAndErrorsToo() throws Exception {
        fixture.get("/v1/nothing-here");
        fixture.get("/v1/recommendations?user_id=u1&k=0");
        fixture.get("/v1/recommendations?user_id=u1&k=3");

        String metrics = fixture.get("/metrics").body();
        assertThat(metrics).containsPattern("recsys_http_responses_total\\{route=\"other\",status=\"404\",} [1-9]")
                .containsPattern("recsys_http_responses_total\\{route=\"/v1/recommendations\",status=\"400\",} [1-9]")
                .containsPattern("recsys_http_responses_total\\{route=\"/v1/recommendations\",status=\"200\",} [1-9]");
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        String huge = "[" + "{\"a\":1},".repeat(20_000) + "{\"a\":1}]";
        HttpResponse<String> response = fixture.post("/v1/events", huge);
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void validEventsAreAcceptedAndInvalidOnesAreRefusedWithReasonsAndCounted() throws Exception {
        String now = Instant.now().toString();
        String click = "{\"v\":1,\"event_id\":\"e-%s\",\"type\":\"click\",\"user_id\":\"u1\","
                + "\"item_id\":\"i1\",\"event_time\":\"" + now + "\"}";
        HttpResponse<String> accepted = fixture.post("/v1/events",
                "[" + String.format(click, "a") + "," + String.format(click, "b") + "]");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(json(accepted).get("accepted").asInt()).isEqualTo(2);

        HttpResponse<String> refused = fixture.post("/v1/events",
                "[" + String.format(click, "c") + ",{\"type\":\"click\"}]");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(fixture.get("/metrics").body()).contains("recsys_events_rejected_total{reason=");
    }

    @Test
    void featuresUseTheRegistryNames() throws Exception {
        JsonNode body = json(fixture.get("/v1/features/item:i7"));
        assertThat(body.get("entity").asText()).isEqualTo("item:i7");
        assertThat(body.get("features").get("clicks_24h").asLong()).isEqualTo(7);
        assertThat(fixture.get("/v1/features/nonsense").statusCode()).isEqualTo(400);
    }

    @Test
    void reloadNeedsTheAdminToken() throws Exception {
        assertThat(fixture.post("/v1/models/reload?version=v2", "").statusCode()).isEqualTo(401);
        assertThat(fixture.post("/v1/models/reload?version=v2", "", "Authorization", "Bearer wrong").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aCorruptBundleIsRefusedWhileRequestsKeepBeingServed() throws Exception {
        Path corrupt = fixture.bundles.root().resolve("v2-corrupt");
        copy(fixture.bundles.root().resolve("v2"), corrupt);
        Files.write(corrupt.resolve("gbdt.tribuo"), new byte[]{1, 2, 3});
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<List<Integer>> statuses = load.submit(() -> {
            List<Integer> seen = new ArrayList<>();
            while (running.get()) {
                seen.add(fixture.get("/v1/recommendations?user_id=u3&k=5").statusCode());
            }
            return seen;
        });
        HttpResponse<String> refused = fixture.post("/v1/models/reload?version=v2-corrupt", "",
                "Authorization", "Bearer " + ApiFixture.TOKEN);
        Thread.sleep(300);
        running.set(false);
        load.shutdown();

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).get("message").asText()).contains("corrupt");
        assertThat(statuses.get()).isNotEmpty().containsOnly(200);
        assertThat(json(fixture.get("/v1/recommendations?user_id=u3&k=5")).get("model_version").asText())
                .isEqualTo("v1");
    }

    @Test
    void aReloadWithTreatmentSplitsUsersIntoStableArms() throws Exception {
        HttpResponse<String> reloaded = fixture.post("/v1/models/reload?version=v1&treatment=v2&treatment_share=0.5",
                "", "Authorization", "Bearer " + ApiFixture.TOKEN);
        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        List<String> arms = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            JsonNode body = json(fixture.get("/v1/recommendations?user_id=ab" + u + "&k=2"));
            arms.add(body.get("experiment_arm").asText() + "/" + body.get("model_version").asText());
            JsonNode again = json(fixture.get("/v1/recommendations?user_id=ab" + u + "&k=2"));
            assertThat(again.get("experiment_arm").asText()).isEqualTo(body.get("experiment_arm").asText());
        }
        assertThat(arms).contains("control/v1", "treatment/v2");
        fixture.post("/v1/models/reload?version=v1", "", "Authorization", "Bearer " + ApiFixture.TOKEN);
    }

    @Test
    void moreRequestsThanMayBeInFlightAreShedWith503AndTheServerRecovers() throws Exception {
        java.net.http.HttpClient oneConnectionPerRequest = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(oneConnectionPerRequest.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    fixture.base() + "/v1/recommendations?user_id=burst" + i + "&k=20")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var response : burst) {
            HttpResponse<String> answered = response.get();
            statuses.add(answered.statusCode());
            if (answered.statusCode() == 503) {
                assertThat(answered.headers().firstValue("Retry-After")).isPresent();
            }
        }

        assertThat(statuses).containsOnly(200, 503).contains(200, 503);
        assertThat(fixture.get("/v1/recommendations?user_id=after-burst&k=5").statusCode()).isEqualTo(200);
        assertThat(fixture.get("/metrics").body()).contains("recsys_requests_in_flight 0.0");
    }

    @Test
    void healthMetricsAndTheOpenApiDocumentAreServed() throws Exception {
        assertThat(fixture.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(fixture.get("/health/ready").statusCode()).isEqualTo(200);
        fixture.get("/v1/recommendations?user_id=u1&k=3");
        String metrics = fixture.get("/metrics").body();
        assertThat(metrics).contains("recsys_request_duration_seconds_bucket{stage=\"gbdt\"",
                "recsys_request_duration_seconds_bucket{stage=\"total\"", "recsys_feature_cache_hits_total",
                "recsys_model_info");
        // the stage labels dashboards, the live page and `bench api` read
        for (String stage : List.of("retrieve", "filter", "features", "gbdt", "rerank", "total")) {
            assertThat(metrics).contains("recsys_request_duration_seconds_count{stage=\"" + stage + "\"");
        }
        for (String stage : List.of("retrieve", "filter", "features", "rerank", "final")) {
            assertThat(metrics).contains("recsys_candidates_count{stage=\"" + stage + "\"");
        }
        assertThat(fixture.get("/openapi.yaml").body()).contains("getRecommendations");
    }

    @Test
    void metricsShowTheJvmsHeapCollectorPausesAndThreads() throws Exception {
        HttpResponse<String> response = fixture.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsPattern("jvm_memory_bytes_used\\{area=\"heap\",} [1-9]")
                .containsPattern("jvm_memory_bytes_max\\{area=\"heap\",} [1-9]")
                .contains("jvm_gc_collection_seconds_count{gc=")
                .containsPattern("jvm_threads_current [1-9]")
                .contains("process_cpu_seconds_total");
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
