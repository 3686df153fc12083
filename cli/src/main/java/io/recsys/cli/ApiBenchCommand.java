package io.recsys.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.kafka.EmbeddedKafka;
import io.recsys.kafka.Topics;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.bundle.BundleWriter;
import io.recsys.models.ranking.FmReranker;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.ItemEmbeddings;
import io.recsys.models.evaluation.ImpressionMetrics;
import io.recsys.models.training.ImpressionGroup;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;
import io.recsys.models.training.GbdtShapeChoice;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load on the ranking API from a second process (wrk): a catalogue of N items with live features and embeddings,
 * users with recent interactions (so each gets a folded-in vector and ANN candidates), 500 ANN candidates, the
 * GBDT over all of them, the ONNX rerank of the top 100, k = 20. Runs at the given connection counts and records
 * requests/s, latency percentiles, refused requests and per-stage latency from the API's own histograms.
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Requests/s and latency of GET /v1/recommendations under load from wrk.")
final class ApiBenchCommand implements Callable<Integer> {

    @Option(names = "--items", defaultValue = "100000")
    int items;

    @Option(names = "--users", defaultValue = "10000")
    int users;

    @Option(names = "--user-prefix", defaultValue = "bench-u",
            description = "Requests ask for users PREFIX<n>, n from --first-user on (default: ${DEFAULT-VALUE}; the"
                    + " demo's simulated users are u1 to u1000).")
    String userPrefix;

    @Option(names = "--first-user", defaultValue = "0")
    int firstUser;

    @Option(names = "--target", paramLabel = "URL",
            description = "Measure an API that is already running (e.g. ./recsys demo's) instead of starting one with"
                    + " a synthetic store and bundle; --items is then ignored and nothing is written anywhere but"
                    + " --out (default: start one).")
    URI target;

    @Option(names = "--load-cpus", paramLabel = "LIST",
            description = "Run wrk under taskset -c LIST, e.g. 1 while this command runs under taskset -c 0, so the"
                    + " load generator and the API do not share cores (default: wherever the OS puts it).")
    String loadCpus;

    @Option(names = "--connections", split = ",", defaultValue = "8,16,64",
            description = "wrk connection counts, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> connections;

    @Option(names = "--rates", split = ",",
            description = "Offered requests/s per run, in the order of --connections (0: as fast as the connections"
                    + " go). A paced run makes each connection wait connections/rate between requests (wrk's"
                    + " delay()), so the load stays near the rate when the API answers fast, sheds included.")
    List<Integer> rates = List.of();

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each run.")
    int seconds;

    @Option(names = "--out", defaultValue = "out/bench-api.json")
    Path out;

    @Option(names = "--overload-seconds", defaultValue = "0",
            description = "After the runs, offer half the sustainable rate for --baseline-seconds, twice it for this"
                    + " long, then half of it again for --recovery-seconds, sampling memory and answers every"
                    + " --sample-seconds (default: 0, none).")
    int overloadSeconds;

    @Option(names = "--baseline-seconds", defaultValue = "30")
    int baselineSeconds;

    @Option(names = "--recovery-seconds", defaultValue = "60")
    int recoverySeconds;

    @Option(names = "--sustainable-rate", defaultValue = "0",
            description = "Requests/s the API sustains, for the overload run (default: 0, what the first run"
                    + " answered per second).")
    int sustainableRate;

    @Option(names = "--overload-connections", defaultValue = "64",
            description = "wrk connections (one thread each) of the overload run (default: ${DEFAULT-VALUE}).")
    int overloadConnections;

    @Option(names = "--sample-seconds", defaultValue = "5")
    int sampleSeconds;

    @Mixin
    Environment environment;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() throws Exception {
        LoadProfile load = new LoadProfile(userPrefix, firstUser, users, loadCpus);
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
        return 0;
    }

    /** An API of our own in this JVM over a synthetic catalogue, users and bundle. */
    private void measureOwnApi(LoadProfile load, Map<String, Object> results) throws Exception {
        FeatureRegistry registry = FeatureRegistry.load();
        results.put("items", items);
        results.put("candidates", api.candidates);
        results.put("ann_cache_users", api.annCacheUsers);
        results.put("rerank_head", api.rerankHead);
        String storeUrl = environment.storeUrl();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(environment.dataDir.resolve("kafka"));
             FeatureStore store = FeatureStores.open(storeUrl, registry)) {
            Topics.ensure(kafka.connection(), 2);
            System.err.println("writing " + items + " items and " + users + " users to the store...");
            populate(store.writer(), load);
            Path bundles = environment.dataDir.resolve("bench-bundles");
            writeBundle(bundles, registry, results);
            ApiConfig config = api.config(bundles, storeUrl, kafka.connection());
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
            Path script = environment.dataDir.resolve("bench-api.lua");
            Files.createDirectories(environment.dataDir);
            Files.writeString(script, luaScript(load, rate <= 0 ? 0 : Math.max(1, c * 1000 / rate)));
            String loadBefore = loadAverage();
            String metricsBefore = get(base + "/metrics");
            Map<String, Object> run = wrk(base, load, script, c);
            String metricsAfter = get(base + "/metrics");
            run.put("offered_rate", rate <= 0 ? "unpaced" : rate);
            run.put("load_average_before", loadBefore);
            run.put("load_average_after", loadAverage());
            run.put("stages", StageLatency.between(metricsBefore, metricsAfter));
            run.put("shed_by_reason", CounterIncrease.between(metricsBefore, metricsAfter,
                    "recsys_requests_shed_by_reason_total\\{reason=\"(\\w+)\",}"));
            run.put("ann_cache", CounterIncrease.between(metricsBefore, metricsAfter,
                    "recsys_ann_cache_(hits|misses)_total"));
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
        overload.putAll(new OverloadRun(base, environment.dataDir, load, overloadConnections, sampleSeconds).run(
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
                        api.rerankHead, 0, 1, Map.of()), models,
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
        String metricsBefore = get(base + "/metrics");
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
        warmUp.put("stages", StageLatency.between(metricsBefore, get(base + "/metrics")));
        return warmUp;
    }

    /** The 1, 5 and 15 minute load averages, as uptime shows them: how busy the shared machine was. */
    static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.exists(loadavg)) {
            return "unknown";
        }
        String[] fields = Files.readString(loadavg).trim().split("\\s+");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    static String luaScript(LoadProfile load, int delayMillis) {
        return load.requestScript(delayMillis)
                + "local statuses = {}\n"
                + "response = function(status, headers, body)\n"
                + "  statuses[status] = (statuses[status] or 0) + 1\n"
                + "end\n"
                + "done = function(summary, latency, requests)\n"
                + "  io.write(string.format(\"RESULT requests=%d seconds=%.3f p50=%d p90=%d p99=%d p999=%d max=%d"
                + " errors=%d\\n\", summary.requests, summary.duration / 1e6, latency:percentile(50),"
                + " latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,"
                + " summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))\n"
                + "end\n";
    }

    private Map<String, Object> wrk(String base, LoadProfile load, Path script, int connections) throws Exception {
        Process process = new ProcessBuilder(load.wrk(List.of("-t2", "-c" + connections, "-d" + seconds + "s",
                "--latency", "--timeout", "5s", "-s", script.toString(), base + "/"))).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("wrk failed: " + output);
        }
        Matcher result = Pattern.compile("RESULT requests=(\\d+) seconds=([\\d.]+) p50=(\\d+) p90=(\\d+) p99=(\\d+)"
                + " p999=(\\d+) max=(\\d+) errors=(\\d+)").matcher(output);
        if (!result.find()) {
            throw new IOException("cannot read wrk's output: " + output);
        }
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(output);
        long refused = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        long requests = Long.parseLong(result.group(1));
        double wall = Double.parseDouble(result.group(2));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("connections", connections);
        run.put("seconds", wall);
        run.put("requests", requests);
        run.put("requests_per_s", Math.round(requests / wall));
        run.put("ok_per_s", Math.round((requests - refused) / wall));
        run.put("refused_non_2xx", refused);
        run.put("socket_errors", Long.parseLong(result.group(8)));
        run.put("latency_ms", Map.of("p50", micros(result.group(3)), "p90", micros(result.group(4)),
                "p99", micros(result.group(5)), "p99.9", micros(result.group(6)), "max", micros(result.group(7))));
        return run;
    }

    private static double micros(String value) {
        return Long.parseLong(value) / 1000.0;
    }

    /** HTTP/1.1 with a timeout: a scrape right after a run must not wait for ever on a connection lost in it. */
    static String get(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(10)).build();
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.net.http.HttpTimeoutException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Increase of counters between two scrapes, by the pattern's first group (a label value or a name part). */
    static final class CounterIncrease {

        static Map<String, Object> between(String before, String after, String seriesPattern) {
            Map<String, Double> start = values(before, seriesPattern);
            Map<String, Object> increase = new LinkedHashMap<>();
            values(after, seriesPattern).forEach((key, value) ->
                    increase.put(key, Math.round(value - start.getOrDefault(key, 0.0))));
            return increase;
        }

        private static Map<String, Double> values(String metrics, String seriesPattern) {
            Map<String, Double> values = new LinkedHashMap<>();
            Matcher matcher = Pattern.compile("(?m)^" + seriesPattern + " ([\\d.E+-]+)$").matcher(metrics);
            while (matcher.find()) {
                values.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
            }
            return values;
        }
    }

    /**
     * Per-stage latency percentiles from the difference of two scrapes of the API's histograms; the wait for a
     * ranking worker shows as stage "queue".
     */
    static final class StageLatency {

        private static final Pattern BUCKET = Pattern.compile("(?:recsys_request_duration_seconds_bucket\\{stage=\"(\\w+)\","
                + "|recsys_queue_wait_seconds_bucket\\{)le=\"([^\"]+)\",} ([\\d.E+-]+)");

        static Map<String, Object> between(String before, String after) {
            Map<String, Map<Double, Double>> start = buckets(before);
            Map<String, Map<Double, Double>> end = buckets(after);
            Map<String, Object> stages = new LinkedHashMap<>();
            for (String stage : end.keySet()) {
                Map<Double, Double> counts = new java.util.TreeMap<>();
                end.get(stage).forEach((le, count) -> counts.put(le,
                        count - start.getOrDefault(stage, Map.of()).getOrDefault(le, 0.0)));
                stages.put(stage, Map.of("p50_ms", quantile(counts, 0.5), "p99_ms", quantile(counts, 0.99),
                        "p99.9_ms", quantile(counts, 0.999)));
            }
            return stages;
        }

        private static Map<String, Map<Double, Double>> buckets(String metrics) {
            Map<String, Map<Double, Double>> buckets = new LinkedHashMap<>();
            Matcher matcher = BUCKET.matcher(metrics);
            while (matcher.find()) {
                double le = matcher.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(matcher.group(2));
                buckets.computeIfAbsent(matcher.group(1) == null ? "queue" : matcher.group(1),
                                s -> new java.util.TreeMap<>())
                        .put(le, Double.parseDouble(matcher.group(3)));
            }
            return buckets;
        }

        /** Linear interpolation inside the bucket holding the quantile, as Prometheus' histogram_quantile does. */
        static double quantile(Map<Double, Double> cumulative, double q) {
            double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
            if (total == 0) {
                return Double.NaN;
            }
            double rank = q * total;
            double previousLe = 0;
            double previousCount = 0;
            for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
                if (bucket.getValue() >= rank) {
                    if (bucket.getKey().isInfinite()) {
                        return previousLe * 1000;
                    }
                    double inBucket = bucket.getValue() - previousCount;
                    double fraction = inBucket == 0 ? 0 : (rank - previousCount) / inBucket;
                    return (previousLe + (bucket.getKey() - previousLe) * fraction) * 1000;
                }
                previousLe = bucket.getKey();
                previousCount = bucket.getValue();
            }
            return previousLe * 1000;
        }
    }
}
