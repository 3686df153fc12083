package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.rollout.LearningLoop;
import io.recsys.models.rollout.ReplayGate;
import io.recsys.models.rollout.RolloutPolicy;
import io.recsys.models.training.SyntheticBundles;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learning loop's adapters against a real ranker API: the arms are set through its admin reload, read back from
 * GET /v1/models and seen in what users are served; each arm's impressions and clicks come from an endpoint in the
 * feature job's Prometheus format, whose numbers each test sets. Training is not the subject here (the candidate is a
 * bundle written beforehand and the gate passes it); ReplayGateTest and LearningLoopTest cover those.
 */
class LearningLoopAgainstTheApiTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final String TOKEN = "loop-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RolloutPolicy POLICY = new RolloutPolicy(1_000, 50_000, 0.99, 0.05);

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static RankerApi api;
    private static BundleRegistry bundles;
    private static HttpServer jobEndpoint;
    private static volatile String jobMetrics = "";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<LearningLoop.Event> journal = new ArrayList<>();
    private ApiModels serving;
    private LearningLoop loop;

    @BeforeAll
    static void startTheApiAndAJobEndpoint() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Topics.ensure(kafka.connection(), 2);
        bundles = new BundleRegistry(dir.resolve("bundles"));
        SyntheticBundles.write(bundles.root(), "v1", 1, REGISTRY.version());
        SyntheticBundles.write(bundles.root(), "v2", 2, REGISTRY.version());
        bundles.promote("v1");
        api = RankerApi.start(ApiConfig.builder(bundles.root(), TestDatabases.freshH2(), kafka.connection())
                .host("127.0.0.1").port(0).adminToken(TOKEN).maxInFlight(16).workers(2).maxQueueMillis(5_000)
                .featureCacheMillis(1000).candidates(100).rerankHead(20).diversity(0.1).build(), REGISTRY);
        jobEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jobEndpoint.createContext("/metrics", exchange -> {
            byte[] body = jobMetrics.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jobEndpoint.start();
    }

    @AfterAll
    static void stop() {
        jobEndpoint.stop(0);
        api.close();
        kafka.close();
    }

    @BeforeEach
    void servingV1Alone() throws Exception {
        serving = new ApiModels(() -> List.of(base()), TOKEN, bundles);
        serving.serve("v1", null, 0);
        bundles.promote("v1");
        armsCounted(0, 0, 0, 0);
        LearningLoop.Candidates candidateV2 = new LearningLoop.Candidates() {
            @Override
            public LearningLoop.Candidate train(long until) {
                return new LearningLoop.Candidate("v2");
            }

            @Override
            public ReplayGate.Result check(LearningLoop.Candidate candidate, String servingVersion) {
                return new ReplayGate.Result(true, 500, Map.of("auc", 0.71), Map.of("auc", 0.70), "within");
            }
        };
        loop = new LearningLoop(serving, candidateV2,
                new JobArmCounters(List.of(URI.create("http://127.0.0.1:" + jobEndpoint.getAddress().getPort()
                        + "/metrics"))), journal::add, new LearningLoop.Settings(3_600_000, 0.3, POLICY), 0);
    }

    private static String base() {
        return "http://127.0.0.1:" + api.port();
    }

    /** Two subtasks' counters in the format of Flink's Prometheus reporter. */
    private static void armsCounted(long controlImpressions, long controlClicks, long treatmentImpressions,
                                    long treatmentClicks) {
        StringBuilder text = new StringBuilder("# TYPE flink_taskmanager_job_task_operator_arm_impressions gauge\n");
        for (String[] series : new String[][]{{"impressions", "control", "" + controlImpressions},
                {"impressions", "treatment", "" + treatmentImpressions}, {"clicks", "control", "" + controlClicks},
                {"clicks", "treatment", "" + treatmentClicks}}) {
            long total = Long.parseLong(series[2]);
            for (int subtask = 0; subtask < 2; subtask++) {
                text.append("flink_taskmanager_job_task_operator_arm_").append(series[0]).append("{arm=\"")
                        .append(series[1]).append("\",subtask_index=\"").append(subtask).append("\",} ")
                        .append(subtask == 0 ? total / 2 : total - total / 2).append(".0\n");
            }
        }
        jobMetrics = text.toString();
    }

    /** The bundle versions 60 users are served. */
    private static Set<String> versionsServed() throws Exception {
        Set<String> versions = new HashSet<>();
        for (int user = 0; user < 60; user++) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base()
                    + "/v1/recommendations?k=5&user_id=loop-u" + user)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            versions.add(body.path("model_version").asText());
        }
        return versions;
    }

    private List<String> kinds() {
        return journal.stream().map(LearningLoop.Event::kind).toList();
    }

    @Test
    void aCandidateThatLosesLiveIsRolledBackAndTheOldBundleServesThroughout() throws Exception {
        loop.step(0);
        assertThat(serving.arms()).isEqualTo(new LearningLoop.Arms("v1", "v2"));
        assertThat(versionsServed()).as("the treatment serves its share of users").containsExactlyInAnyOrder("v1", "v2");

        armsCounted(14_000, 700, 6_000, 150);
        loop.step(60_000);

        assertThat(kinds()).endsWith("rolled_back");
        assertThat(serving.arms()).isEqualTo(new LearningLoop.Arms("v1", null));
        assertThat(versionsServed()).containsExactly("v1");
        assertThat(bundles.current()).contains("v1");
    }

    @Test
    void aCandidateThatWinsLiveServesEveryoneAndBecomesCurrent() throws Exception {
        loop.step(0);

        armsCounted(14_000, 700, 6_000, 480);
        loop.step(60_000);

        assertThat(kinds()).endsWith("promoted");
        assertThat(serving.arms()).isEqualTo(new LearningLoop.Arms("v2", null));
        assertThat(versionsServed()).containsExactly("v2");
        assertThat(bundles.current()).contains("v2");
    }

    @Test
    void aReloadByHandDuringTheRolloutWins() throws Exception {
        loop.step(0);
        HttpResponse<String> byHand = HTTP.send(HttpRequest.newBuilder(URI.create(base()
                        + "/v1/models/reload?version=v2")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byHand.statusCode()).isEqualTo(200);

        armsCounted(14_000, 700, 6_000, 150);
        loop.step(60_000);

        assertThat(kinds()).endsWith("overridden");
        assertThat(serving.arms()).isEqualTo(new LearningLoop.Arms("v2", null));
    }
}
