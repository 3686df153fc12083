package io.recsys.benchmarks.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.api.live.PrometheusText.Sample;
import io.recsys.benchmarks.ScrapeDifference;
import io.recsys.benchmarks.Scrapes;
import io.recsys.benchmarks.Wrk;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.ItemEmbeddings;
import io.recsys.models.training.BundleWriter;
import io.recsys.models.training.FmReranker;
import io.recsys.models.training.GbdtShapeChoice;
import io.recsys.models.training.ImpressionGroup;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;
import io.recsys.models.training.RankingTrainer;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.FeatureWriter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Load on the ranking API from a second process (wrk): a catalogue of N items with live features and embeddings,
 * users with recent interactions (so each gets a folded-in vector and ANN candidates), 500 ANN candidates, the
 * GBDT over all of them, the ONNX rerank of the top 100, k = 20. Runs at the given connection counts and records
 * requests/s, latency percentiles, refused requests and per-stage latency from the API's own histograms.
 * {@code ./recsys bench api} parses the options into {@link Settings} and runs this.
 */
public final class ApiBench {

    /** The API's answers to GET /v1/recommendations by status, from {@code recsys_http_responses_total}. */
    static final Function<Sample, String> RECOMMENDATION_RESPONSES = sample ->
            sample.name().equals("recsys_http_responses_total") && sample.labels().size() == 2
                    && "/v1/recommendations".equals(sample.labels().get("route")) ? sample.labels().get("status") : null;
    /** Refusals by reason, from {@code recsys_requests_shed_by_reason_total}. */
    static final Function<Sample, String> SHED_BY_REASON =
            ScrapeDifference.byLabel("recsys_requests_shed_by_reason_total", "reason");
    private static final Function<Sample, String> ANN_CACHE = sample -> switch (sample.name()) {
        case "recsys_ann_cache_hits_total" -> sample.labels().isEmpty() ? "hits" : null;
        case "recsys_ann_cache_misses_total" -> sample.labels().isEmpty() ? "misses" : null;
        default -> null;
    };

    /** How the API under test is configured when this bench starts its own (from the command's API options). */
    @FunctionalInterface
    public interface ApiConfigs {
        ApiConfig config(Path bundles, String storeUrl, KafkaConnection kafka);
    }

    /**
     * The command's options; see {@code ./recsys bench api --help}.
     *
     * @param target      an API already running, or null to start one here over a synthetic store and bundle
     * @param dataDir     where the embedded Kafka, the bench bundle and the wrk scripts go
     * @param candidates  the started API's ANN candidates (recorded in the results)
     * @param rerankHead  the started API's rerank head, also the bench bundle's
     */
    public record Settings(int items, int users, String userPrefix, int firstUser, URI target, String loadCpus,
                           List<Integer> connections, List<Integer> rates, int seconds, Path out,
                           int overloadSeconds, int baselineSeconds, int recoverySeconds, int sustainableRate,
                           int overloadConnections, int sampleSeconds, Path dataDir, String storeUrl,
                           int candidates, int annCacheUsers, int rerankHead, ApiConfigs api) {
    }

    private final int items;
    private final int users;
    private final URI target;
    private final String loadCpus;
    private final List<Integer> connections;
    private final List<Integer> rates;
    private final int seconds;
    private final Path out;
    private final int overloadSeconds;
    private final int baselineSeconds;
    private final int recoverySeconds;
    private final int sustainableRate;
    private final int overloadConnections;
    private final int sampleSeconds;
    private final Settings settings;
    private final LoadProfile load;

    public ApiBench(Settings settings) {
        this.settings = settings;
        this.items = settings.items();
        this.users = settings.users();
        this.target = settings.target();
        this.loadCpus = settings.loadCpus();
        this.connections = settings.connections();
        this.rates = settings.rates();
        this.seconds = settings.seconds();
        this.out = settings.out();
        this.overloadSeconds = settings.overloadSeconds();
        this.baselineSeconds = settings.baselineSeconds();
        this.recoverySeconds = settings.recoverySeconds();
        this.sustainableRate = settings.sustainableRate();
        this.overloadConnections = settings.overloadConnections();
        this.sampleSeconds = settings.sampleSeconds();
        this.load = new LoadProfile(settings.userPrefix(), settings.firstUser(), users, loadCpus);
    }

    /** Measures, writes the results to {@code out} and prints them on standard output. */
    public void run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("users", users);
        results.put("user_ids", load.userId(0) + " to " + load.userId(users - 1));
        results.put("load_cpus", loadCpus == null ? "unpinned" : loadCpus);
        results.put("k", 20);
        if (target != null) {
            results.put("target", target.toString());
            measure(target.toString().replaceAll("/+$", ""), load, results);
        } else {
            measureOwnApi(load, results);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results);
        Files.writeString(out, json);
        System.out.println(json);
    }

    /** An API of our own in this JVM over a synthetic catalogue, users and bundle. */
    private void measureOwnApi(LoadProfile load, Map<String, Object> results) throws Exception {
        FeatureRegistry registry = FeatureRegistry.load();
        results.put("items", items);
        results.put("candidates", settings.candidates());
        results.put("ann_cache_users", settings.annCacheUsers());
        results.put("rerank_head", settings.rerankHead());
        String storeUrl = settings.storeUrl();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(settings.dataDir().resolve("kafka"));
             FeatureStore store = FeatureStores.open(storeUrl, registry)) {
            Topics.ensure(kafka.connection(), 2);
            System.err.println("writing " + items + " items and " + users + " users to the store...");
            populate(store.writer(), load);
            Path bundles = settings.dataDir().resolve("bench-bundles");
            writeBundle(bundles, registry, results);
            ApiConfig config = settings.api().config(bundles, storeUrl, kafka.connection());
            try (RankerApi server = RankerApi.start(config, registry)) {
                measure("http://127.0.0.1:" + server.port(), load, results);
            }
        }
    }

    /** Warm-up, the runs at each connection count, then the overload phases if asked for. */
    private void measure(String base, LoadProfile load, Map<String, Object> results) throws Exception {
        System.err.println("first request of each of " + users + " users...");
        results.put("warm_up", warmUp(base, load));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            int c = connections.get(i);
            int rate = i < rates.size() ? rates.get(i) : 0;
            Path script = settings.dataDir().resolve("bench-api.lua");
            Files.createDirectories(settings.dataDir());
            Files.writeString(script, luaScript(load, rate <= 0 ? 0 : Math.max(1, c * 1000 / rate)));
            String loadBefore = Scrapes.loadAverage();
            String metricsBefore = Scrapes.get(base + "/metrics");
            Map<String, Object> run = wrk(base, load, script, c);
            String metricsAfter = Scrapes.get(base + "/metrics");
            run.put("offered_rate", rate <= 0 ? "unpaced" : rate);
            run.put("load_average_before", loadBefore);
            run.put("load_average_after", Scrapes.loadAverage());
            run.put("stages", ScrapeDifference.stageLatency(metricsBefore, metricsAfter));
            run.put("shed_by_reason", ScrapeDifference.counterIncrease(metricsBefore, metricsAfter, SHED_BY_REASON));
            run.put("ann_cache", ScrapeDifference.counterIncrease(metricsBefore, metricsAfter, ANN_CACHE));
            runs.add(run);
            System.err.println(run);
        }
        results.put("runs", runs);
        if (overloadSeconds > 0) {
            results.put("overload", overload(base, load, runs));
        }
    }

    /**
     * Half the sustainable rate, twice it, then half again, on the API as the runs left it: recovery is the last
     * phase looking like the first.
     */
    private Map<String, Object> overload(String base, LoadProfile load, List<Map<String, Object>> runs) throws Exception {
        long sustainable = sustainableRate > 0 ? sustainableRate
                : runs.isEmpty() ? 0 : ((Number) runs.get(0).get("ok_per_s")).longValue();
        if (sustainable <= 0) {
            throw new IllegalArgumentException("--overload-seconds needs --sustainable-rate, or a first run whose"
                    + " answered requests/s is taken as the sustainable rate");
        }
        int half = (int) Math.max(1, sustainable / 2);
        System.err.println("overload: " + half + " requests/s offered for " + baselineSeconds + " s, "
                + 2 * sustainable + "/s for " + overloadSeconds + " s, then " + half + "/s for " + recoverySeconds
                + " s...");
        Map<String, Object> overload = new LinkedHashMap<>();
        overload.put("sustainable_rate", sustainable);
        overload.put("sustainable_rate_from", sustainableRate > 0 ? "--sustainable-rate"
                : "answered requests/s of the first run");
        overload.putAll(new OverloadRun(base, settings.dataDir(), load, overloadConnections, sampleSeconds).run(
                List.of(new OverloadRun.Phase("baseline", half, baselineSeconds),
                        new OverloadRun.Phase("overload", (int) (2 * sustainable), overloadSeconds),
                        new OverloadRun.Phase("recovery", half, recoverySeconds))));
        return overload;
    }

    private void populate(FeatureWriter store, LoadProfile load) {
        Random random = new Random(1);
        long now = System.currentTimeMillis();
        List<FeatureRow> rows = new ArrayList<>();
        List<ItemAttributes> catalogue = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            long impressions = 1 + random.nextInt(500);
            long clicks = random.nextInt((int) Math.max(1, impressions / 10));
            rows.add(new FeatureRow(EntityType.ITEM, "i" + i, now - 600_000 - random.nextInt(3_000_000),
                    new Counters(impressions, clicks, 0, 0, 0, impressions, clicks, now - 86_400_000L)));
            catalogue.add(new ItemAttributes("i" + i, "cat" + (i % 20), null));
            if (rows.size() == 5_000) {
                store.write(rows, List.of(), catalogue);
                rows.clear();
                catalogue.clear();
            }
        }
        store.write(rows, List.of(), catalogue);
        List<Interaction> interactions = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            for (int n = 0; n < 5; n++) {
                interactions.add(new Interaction(load.userId(u), now - 300_000 + n, "i" + random.nextInt(items),
                        "click"));
            }
            if (interactions.size() >= 10_000) {
                store.write(List.of(), interactions, List.of());
                interactions.clear();
            }
        }
        store.write(List.of(), interactions, List.of());
    }

    /** Trains (once per data dir) the bench bundle on synthetic lists and records how its GBDT shape was chosen. */
    private void writeBundle(Path bundles, FeatureRegistry registry, Map<String, Object> results) throws Exception {
        BundleRegistry bundleRegistry = new BundleRegistry(bundles);
        Path choice = bundles.resolve("gbdt-choice.json");
        if (bundleRegistry.current().isPresent() && Files.exists(choice)) {
            results.put("gbdt_choice", new ObjectMapper().readValue(choice.toFile(), Map.class));
            return;
        }
        Random random = new Random(2);
        List<String> ids = new ArrayList<>(items);
        float[][] vectors = new float[items][32];
        for (int i = 0; i < items; i++) {
            ids.add("i" + i);
            for (int d = 0; d < 32; d++) {
                vectors[i][d] = (float) random.nextGaussian() * 0.1f;
            }
        }
        List<String> names = RankingFeatures.all().names();
        List<LabeledGroup> groups = syntheticLists(random, names.size(), 300);
        List<LabeledGroup> heldOut = syntheticLists(random, names.size(), 1_000);
        // the API walks every tree for every candidate: serve the fewest trees within tolerance of the best
        GbdtShapeChoice shapes = GbdtShapeChoice.choose(names, groups, heldOut);
        GbdtRanker.Params chosen = shapes.chosen();
        Map<String, Object> record = new LinkedHashMap<>(shapes.record());
        record.put("held_out", "1,000 synthetic lists of 20, mean per-list AUC");
        results.put("gbdt_choice", record);
        RankingTrainer.Models models = RankingTrainer.train(names, groups, chosen, FmReranker.Params.DEFAULT, 0.3);
        String version = "bench-" + chosen.trees() + "x" + chosen.maxDepth();
        BundleWriter.write(bundles, new BundleWriter.Description(version, "synthetic", registry.version(), names,
                        settings.rerankHead(), 0, 1, Map.of()), models,
                new BundleWriter.Retrieval(new ItemEmbeddings(ids, vectors), 1.0, 1.0));
        bundleRegistry.promote(version);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(choice.toFile(), record);
    }

    /** Lists of 20 random rows; the click rate rises with the first feature (0.05 to 0.35), the rest is noise. */
    private static List<LabeledGroup> syntheticLists(Random random, int features, int lists) {
        List<LabeledGroup> groups = new ArrayList<>();
        for (int g = 0; g < lists; g++) {
            double[][] rows = new double[20][features];
            boolean[] clicked = new boolean[20];
            for (int r = 0; r < 20; r++) {
                for (int f = 0; f < features; f++) {
                    rows[r][f] = random.nextDouble();
                }
                clicked[r] = random.nextDouble() < 0.05 + 0.3 * rows[r][0];
            }
            groups.add(new LabeledGroup(new ImpressionGroup("r" + g, "u", g, List.of(), clicked), rows));
        }
        return groups;
    }


    /**
     * One request per user, two at a time, before any measured run: the runs measure the steady state of a user
     * population that keeps coming back (at 1,000 requests/s each of 10,000 users asks every 10 s), where the
     * user's features and ANN candidates are held. A user's first request pays the store reads and the HNSW
     * search; this pass records what that costs.
     */
    private Map<String, Object> warmUp(String base, LoadProfile load) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String metricsBefore = Scrapes.get(base + "/metrics");
        long started = System.nanoTime();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(pool.submit(() -> {
                for (int u = next.getAndIncrement(); u < users; u = next.getAndIncrement()) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base
                            + "/v1/recommendations?k=20&user_id=" + load.userId(u))).build();
                    while (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 503) {
                        Thread.sleep(5);
                    }
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        Map<String, Object> warmUp = new LinkedHashMap<>();
        warmUp.put("first_requests", users);
        warmUp.put("seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
        warmUp.put("stages", ScrapeDifference.stageLatency(metricsBefore, Scrapes.get(base + "/metrics")));
        return warmUp;
    }

    static String luaScript(LoadProfile load, int delayMillis) {
        return load.requestScript(delayMillis) + Wrk.SUMMARY_SCRIPT;
    }

    private Map<String, Object> wrk(String base, LoadProfile load, Path script, int connections) throws Exception {
        String output = Wrk.run(load.wrk(List.of("-t2", "-c" + connections, "-d" + seconds + "s",
                "--latency", "--timeout", "5s", "-s", script.toString(), base + "/")), seconds);
        return run(connections, Wrk.Summary.parse(output));
    }

    /** One run's entry in the results. */
    static Map<String, Object> run(int connections, Wrk.Summary summary) {
        long requests = summary.requests();
        double wall = summary.seconds();
        long refused = summary.non2xx();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("connections", connections);
        run.put("seconds", wall);
        run.put("requests", requests);
        run.put("requests_per_s", Math.round(requests / wall));
        run.put("ok_per_s", Math.round((requests - refused) / wall));
        run.put("refused_non_2xx", refused);
        run.put("socket_errors", summary.socketErrors());
        run.put("latency_ms", Map.of("p50", micros(summary.p50()), "p90", micros(summary.p90()),
                "p99", micros(summary.p99()), "p99.9", micros(summary.p999()), "max", micros(summary.max())));
        return run;
    }

    private static double micros(long value) {
        return value / 1000.0;
    }
}
