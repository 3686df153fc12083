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
import io.recsys.models.training.ImpressionGroup;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;
import io.recsys.models.training.RankingTrainer;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;
import io.recsys.store.JdbcFeatureStore;
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

    @Option(names = "--connections", split = ",", defaultValue = "8,16,64",
            description = "wrk connection counts, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> connections;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each run.")
    int seconds;

    @Option(names = "--out", defaultValue = "out/bench-api.json")
    Path out;

    @Mixin
    Environment environment;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() throws Exception {
        FeatureRegistry registry = FeatureRegistry.load();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("items", items);
        results.put("users", users);
        results.put("candidates", api.candidates);
        results.put("rerank_head", api.rerankHead);
        results.put("k", 20);
        results.put("cores", Runtime.getRuntime().availableProcessors());
        String storeUrl = environment.storeUrl();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(environment.dataDir.resolve("kafka"));
             JdbcFeatureStore store = JdbcFeatureStore.open(storeUrl, registry)) {
            Topics.ensure(kafka.bootstrapServers(), 2);
            System.err.println("writing " + items + " items and " + users + " users to the store...");
            populate(store);
            Path bundles = environment.dataDir.resolve("bench-bundles");
            writeBundle(bundles, registry);
            ApiConfig config = api.config(bundles, storeUrl, kafka.bootstrapServers());
            try (RankerApi server = RankerApi.start(config, registry)) {
                String base = "http://127.0.0.1:" + server.port();
                Path script = environment.dataDir.resolve("bench-api.lua");
                Files.writeString(script, luaScript(users));
                warmUp(base);
                List<Map<String, Object>> runs = new ArrayList<>();
                for (int c : connections) {
                    String metricsBefore = get(base + "/metrics");
                    Map<String, Object> run = wrk(base, script, c);
                    run.put("stages", StageLatency.between(metricsBefore, get(base + "/metrics")));
                    runs.add(run);
                    System.err.println(run);
                }
                results.put("runs", runs);
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results);
        Files.writeString(out, json);
        System.out.println(json);
        return 0;
    }

    private void populate(JdbcFeatureStore store) {
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
                interactions.add(new Interaction("bench-u" + u, now - 300_000 + n, "i" + random.nextInt(items),
                        "click"));
            }
            if (interactions.size() >= 10_000) {
                store.write(List.of(), interactions, List.of());
                interactions.clear();
            }
        }
        store.write(List.of(), interactions, List.of());
    }

    private void writeBundle(Path bundles, FeatureRegistry registry) throws Exception {
        BundleRegistry bundleRegistry = new BundleRegistry(bundles);
        if (bundleRegistry.current().isPresent()) {
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
        List<LabeledGroup> groups = new ArrayList<>();
        for (int g = 0; g < 300; g++) {
            double[][] features = new double[20][names.size()];
            boolean[] clicked = new boolean[20];
            for (int r = 0; r < 20; r++) {
                for (int f = 0; f < names.size(); f++) {
                    features[r][f] = random.nextDouble();
                }
                clicked[r] = random.nextDouble() < 0.05 + 0.3 * features[r][0];
            }
            groups.add(new LabeledGroup(new ImpressionGroup("r" + g, "u", g, List.of(), clicked), features));
        }
        RankingTrainer.Models models = RankingTrainer.train(names, groups, GbdtRanker.Params.DEFAULT,
                FmReranker.Params.DEFAULT, 0.3);
        BundleWriter.write(bundles, new BundleWriter.Description("bench", "synthetic", registry.version(), names,
                        api.rerankHead, 0, 1, Map.of()), models,
                new BundleWriter.Retrieval(new ItemEmbeddings(ids, vectors), 1.0, 1.0));
        bundleRegistry.promote("bench");
    }

    private static void warmUp(String base) throws Exception {
        for (int i = 0; i < 300; i++) {
            get(base + "/v1/recommendations?user_id=bench-u" + i + "&k=20");
        }
    }

    static String luaScript(int users) {
        return "math.randomseed(7)\n"
                + "request = function()\n"
                + "  return wrk.format(\"GET\", \"/v1/recommendations?k=20&user_id=bench-u\" .. math.random(0, "
                + (users - 1) + "))\n"
                + "end\n"
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

    private Map<String, Object> wrk(String base, Path script, int connections) throws Exception {
        Process process = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                "--timeout", "5s", "-s", script.toString(), base + "/").redirectErrorStream(true).start();
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

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Per-stage latency percentiles from the difference of two scrapes of the API's histograms. */
    static final class StageLatency {

        private static final Pattern BUCKET = Pattern.compile(
                "recsys_request_duration_seconds_bucket\\{stage=\"(\\w+)\",le=\"([^\"]+)\",} ([\\d.E+-]+)");

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
                buckets.computeIfAbsent(matcher.group(1), s -> new java.util.TreeMap<>())
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
