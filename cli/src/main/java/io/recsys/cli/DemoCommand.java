package io.recsys.cli;

import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.rollout.LearningLoop;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The main job on embedded defaults: an in-process Kafka broker, the feature job on a local MiniCluster, the
 * embedded store, a first model bundle trained from the simulator's recent history, the ranker API, and the
 * simulator producing a live stream of events.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run everything on embedded defaults with a live simulated stream; Ctrl-C to stop.")
final class DemoCommand implements Callable<Integer> {


    @Option(names = "--duration", description = "Stop after this many seconds (default: run until stopped).")
    Long durationSeconds;

    @Option(names = "--rate", defaultValue = "20", description = "Simulated lists shown per second (default: 20).")
    double requestsPerSecond;

    @Option(names = "--served-rate", defaultValue = "5",
            description = "Lists per second that simulated users ask the API for and react to, so each experiment"
                    + " arm's CTR (and the learning loop) has clicks on what the API ranked; 0 turns it off"
                    + " (default: ${DEFAULT-VALUE}).")
    double servedPerSecond;

    @Option(names = "--metrics-port", defaultValue = "9249",
            description = "Port of the Flink job's Prometheus metrics (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--loop-every", defaultValue = "15m", converter = DurationConverter.class,
            description = "Run the learning loop (`trainer`) in the demo: a training round this often, the first one"
                    + " this long after start; 0s turns it off (default: ${DEFAULT-VALUE}).")
    Duration loopEvery;

    @Mixin
    LoopOptions loop;

    @Mixin
    Environment environment;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() throws Exception {
        if (requestsPerSecond <= 0) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        if (servedPerSecond < 0) {
            throw new IllegalArgumentException("--served-rate must be 0 (off) or positive");
        }
        FeatureRegistry registry = FeatureRegistry.load();
        Simulator simulator = new Simulator(SimulatorConfig.small(42).withUsersAndItems(1_000, 5_000));
        String storeUrl = environment.storeUrl();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(environment.dataDir.resolve("kafka"))) {
            KafkaConnection connection = kafka.connection();
            Topics.ensure(connection, 2);
            try (EventPublisher catalogue = new EventPublisher(connection, Topics.CATALOGUE, 1)) {
                for (ItemAttributes item : simulator.catalogue()) {
                    catalogue.publishRaw(item.itemId(), item.toJson());
                }
            }
            FeatureJobSettings settings = FeatureJobSettings.defaults(environment.checkpoints());
            FeatureJob job = FeatureJob.onKafka(connection, KafkaEndpoints.events(connection, Topics.EVENTS),
                    KafkaEndpoints.catalogue(connection, Topics.CATALOGUE), storeUrl, registry, settings.sinkBatching());
            JobClient client = FeatureJobRunner.startLocal(job, settings, metricsPort, "recsys-features");
            try (EventPublisher publisher = new EventPublisher(connection, Topics.EVENTS, 2);
                 FeatureStore store = FeatureStores.open(storeUrl, registry)) {
                Path bundles = environment.dataDir.resolve("bundles");
                FirstBundle.ensure(bundles, simulator, publisher, store, registry);
                ApiConfig config = api.config(bundles, storeUrl, connection);
                if (config.jobMetrics() == null && metricsPort > 0) {
                    // the job runs in this JVM and its reporter listens here: the page charts it without being told
                    config = config.toBuilder()
                            .jobMetrics(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build();
                }
                boolean learning = !loopEvery.isZero();
                if (learning && config.adminToken() == null) {
                    // the loop sets the arms through the admin endpoint, as a trainer beside a cluster does
                    config = config.toBuilder().adminToken(java.util.UUID.randomUUID().toString()).build();
                }
                try (RankerApi server = RankerApi.start(config, registry)) {
                    Thread learningLoop = learning ? startLoop(server, config.adminToken(), connection, store,
                            registry, bundles) : null;
                    LiveSimulation simulation = new LiveSimulation(simulator, publisher, requestsPerSecond);
                    Thread simulationThread = new Thread(simulation, "simulator");
                    simulationThread.start();
                    ServedTraffic served = servedPerSecond > 0 ? new ServedTraffic(simulator, publisher,
                            "http://127.0.0.1:" + server.port(), servedPerSecond) : null;
                    Thread servedThread = served == null ? null : new Thread(served, "served-traffic");
                    if (servedThread != null) {
                        servedThread.start();
                    }
                    printBanner(connection, storeUrl, server);
                    CountDownLatch stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                    long deadline = durationSeconds == null ? Long.MAX_VALUE
                            : System.currentTimeMillis() + durationSeconds * 1000;
                    while (System.currentTimeMillis() < deadline && !stopped.await(
                            Math.max(1, Math.min(5_000, deadline - System.currentTimeMillis())), TimeUnit.MILLISECONDS)) {
                        if (client.getJobStatus().get().isGloballyTerminalState()) {
                            throw new IllegalStateException("the feature job stopped: "
                                    + client.getJobStatus().get());
                        }
                        FeatureVector global = store.online().readLatest(List.of(EntityKey.GLOBAL))
                                .get(EntityKey.GLOBAL);
                        System.out.printf("published %d events | last hour: %s impressions, %s clicks, CTR %.4f"
                                        + " | lists served to simulated users %d (unanswered %d)%n",
                                simulation.published(), global.values().get("impressions_1h"),
                                global.values().get("clicks_1h"), global.number("ctr_1h"),
                                served == null ? 0 : served.lists(), served == null ? 0 : served.failures());
                    }
                    simulation.stop();
                    simulationThread.join();
                    if (served != null) {
                        served.stop();
                        servedThread.join();
                    }
                    if (learningLoop != null) {
                        learningLoop.interrupt();
                        learningLoop.join();
                    }
                }
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        System.out.println("demo stopped");
        return 0;
    }

    /** The learning loop on a thread of its own, its metrics on the API's /metrics. */
    private Thread startLoop(RankerApi server, String adminToken, KafkaConnection connection, FeatureStore store,
                             FeatureRegistry registry, Path bundles) {
        BundleRegistry bundleRegistry = new BundleRegistry(bundles);
        LoopJournal journal = new LoopJournal(bundles, server.metricsRegistry());
        LearningLoop learningLoop = new LearningLoop(
                new ApiModels(() -> List.of("http://127.0.0.1:" + server.port()), adminToken, bundleRegistry),
                new EventLogCandidates(connection, store, registry, bundleRegistry, loop.trainWindow, loop.holdout,
                        loop.gate()),
                new JobArmCounters(List.of(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))), journal,
                loop.settings(loopEvery), System.currentTimeMillis() + loopEvery.toMillis());
        Thread thread = new Thread(new LoopRunner(learningLoop, journal, LOOP_LOOK_EVERY), "learning-loop");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The demo's traffic fills an arm's minimum within minutes; a look every 30 s follows it closely enough. */
    private static final Duration LOOP_LOOK_EVERY = Duration.ofSeconds(30);

    private void printBanner(KafkaConnection connection, String storeUrl, RankerApi server) {
        String base = "http://127.0.0.1:" + server.port();
        System.out.println("recsys demo is running");
        System.out.println("  page:                 " + base + "/");
        System.out.println("  recommendations:      " + base + "/v1/recommendations?user_id=u1&k=10&explain=true");
        System.out.println("  features:             " + base + "/v1/features/item:i1");
        System.out.println("  API metrics:          " + base + "/metrics   OpenAPI: " + base + "/openapi.yaml");
        System.out.println("  model bundle:         " + server.models().describe());
        System.out.println("  Kafka (embedded):     " + connection + "  topics " + Topics.EVENTS + ", "
                + Topics.DEAD_LETTER + ", " + Topics.CATALOGUE);
        System.out.println("  feature store:        " + FeaturesCommand.redact(storeUrl));
        System.out.println("  event writes:         " + (api.eventsOpen()
                ? "OPEN: anyone who reaches this port can POST /v1/events (give --producer-tokens FILE to close)"
                : "producers with a token only"));
        System.out.println("  Flink job metrics:    http://127.0.0.1:" + metricsPort + "/metrics");
        System.out.println("  learning loop:        " + (loopEvery.isZero() ? "off (--loop-every 0s)"
                : "a round every " + loopEvery + ", the first in " + loopEvery + "; decisions in "
                + environment.dataDir.resolve("bundles").resolve(LoopJournal.FILE) + " and recsys_loop_* on /metrics"));
        System.out.println("  read features:        ./recsys features get --entity item:i1 --data-dir "
                + environment.dataDir);
    }
}
