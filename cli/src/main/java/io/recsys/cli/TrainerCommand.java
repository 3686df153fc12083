package io.recsys.cli;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.rollout.LearningLoop;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "The learning loop: every --every, train a candidate bundle from the logged events, check it on"
                + " the most recent lists against the serving bundle (replay gate), serve a passing one to"
                + " --treatment-share of users, and promote or roll it back on each arm's clicks as the feature job"
                + " counts them. Decisions go to BUNDLES/loop-journal.jsonl and to metrics on --metrics-port."
                + " A manual reload of the API always wins (docs/operations.md).")
final class TrainerCommand implements Callable<Integer> {

    @Option(names = "--every", defaultValue = "30m", converter = DurationConverter.class,
            description = "Time between training rounds (default: ${DEFAULT-VALUE}).")
    Duration every;

    @Option(names = "--look-every", defaultValue = "1m", converter = DurationConverter.class,
            description = "Time between looks at a rollout in progress (default: ${DEFAULT-VALUE}).")
    Duration lookEvery;

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
            description = "The ranker API whose arms the loop sets. A reload changes only the process that answers"
                    + " it, so with several replicas give each one's address, or a headless Service's name: every"
                    + " address its DNS name resolves to is asked at each look (default: ${DEFAULT-VALUE}).")
    URI api;

    @Option(names = "--admin-token-env", defaultValue = "RECSYS_ADMIN_TOKEN",
            description = "Environment variable holding the API's admin token (default: ${DEFAULT-VALUE}).")
    String adminTokenEnv;

    /** Where each arm's impressions and clicks are read: the job itself, or a Prometheus that scrapes it. */
    static final class ArmCountSource {
        @Option(names = "--job-metrics", split = ",", required = true, paramLabel = "URL",
                description = "The feature job's Prometheus endpoints (each TaskManager's).")
        List<URI> jobMetrics;

        @Option(names = "--prometheus", required = true, paramLabel = "URL",
                description = "A Prometheus server that scrapes the feature job (Kubernetes: TaskManagers have no"
                        + " Service of their own).")
        URI prometheus;

        LearningLoop.ArmCounters counters() {
            return prometheus != null ? new PrometheusArmCounters(prometheus) : new JobArmCounters(jobMetrics);
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    ArmCountSource armCounts;

    @Option(names = "--bundles", description = "Bundle directory the API loads from (default: DATA_DIR/bundles).")
    Path bundles;

    @Option(names = "--metrics-port", defaultValue = "9250",
            description = "Port of the loop's own /metrics (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Mixin
    LoopOptions loop;

    @Mixin
    Environment environment;

    @ArgGroup(exclusive = false)
    Environment.KafkaOption kafka = new Environment.KafkaOption();

    @Override
    public Integer call() throws Exception {
        FeatureRegistry registry = FeatureRegistry.load();
        BundleRegistry bundleRegistry = new BundleRegistry(bundles == null ? environment.dataDir.resolve("bundles")
                : bundles);
        CollectorRegistry metrics = new CollectorRegistry();
        LoopJournal journal = new LoopJournal(bundleRegistry.root(), metrics);
        try (EmbeddedKafka embedded = kafka.startEmbeddedUnlessExternal(environment.dataDir);
             FeatureStore store = FeatureStores.open(environment.storeUrl(), registry)) {
            // a daemon server: it ends with the process
            new HTTPServer(new InetSocketAddress(metricsPort), metrics, true);
            LearningLoop learningLoop = new LearningLoop(
                    new ApiModels(new ApiAddresses(api), System.getenv(adminTokenEnv), bundleRegistry),
                    new EventLogCandidates(kafka.connection(embedded), store, registry, bundleRegistry,
                            loop.trainWindow, loop.holdout, loop.gate()),
                    armCounts.counters(), journal, loop.settings(every), System.currentTimeMillis());
            System.err.println("learning loop: a round every " + every + ", looks every " + lookEvery
                    + "; metrics on :" + metricsPort);
            new LoopRunner(learningLoop, journal, lookEvery).run();
        }
        return 0;
    }
}
