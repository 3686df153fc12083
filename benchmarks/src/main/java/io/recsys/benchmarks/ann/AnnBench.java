package io.recsys.benchmarks.ann;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsys.models.retrieval.ExactIndex;
import io.recsys.models.retrieval.HnswIndex;
import io.recsys.models.retrieval.ItemEmbeddings;
import io.recsys.models.retrieval.ScoredItem;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Recall and single-thread speed of the approximate index against exact search, on synthetic item vectors shaped
 * like matrix-factorisation embeddings: clusters of unequal size (a few popular genres, many niche ones), and norms
 * that vary several-fold between items (popular items get longer vectors), so inner product is not cosine.
 * {@code ./recsys bench ann} parses the options into {@link Settings} and runs this.
 */
public final class AnnBench {

    /** Within-cluster noise relative to the spread of cluster centres; 1 keeps clusters overlapping. */
    private static final double CLUSTER_NOISE = 1.0;
    /** Standard deviation of log(norm): norms span roughly 0.4× to 2.7× the typical one. */
    private static final double LOG_NORM_SPREAD = 0.5;
    private static final int WARM_UP_QUERIES = 100;
    /** Each beam width is timed this many times over all queries; the median pass is reported. */
    private static final int TIMED_PASSES = 5;
    private static final int EXACT_TIMED_QUERIES = 100;

    /**
     * The command's options; see {@code ./recsys bench ann --help}.
     *
     * @param maxConnections HNSW M, null for {@code HnswIndex.Params.defaults()}
     * @param beamWidth      efConstruction, null for the default
     * @param saveDirectory  null, or where to also time saving the index and loading it back
     * @param loadDirectory  null, or where to load the index from instead of building it
     */
    public record Settings(int items, int dimension, int clusters, int queries, int k, long seed,
                           Integer maxConnections, Integer beamWidth, List<Integer> searchBeamWidths,
                           Path saveDirectory, Path loadDirectory, Path out) {
    }

    private final int items;
    private final int dimension;
    private final int clusters;
    private final int queries;
    private final int k;
    private final long seed;
    private final Integer maxConnections;
    private final Integer beamWidth;
    private final List<Integer> searchBeamWidths;
    private final Path saveDirectory;
    private final Path loadDirectory;
    private final Path out;

    public AnnBench(Settings settings) {
        this.items = settings.items();
        this.dimension = settings.dimension();
        this.clusters = settings.clusters();
        this.queries = settings.queries();
        this.k = settings.k();
        this.seed = settings.seed();
        this.maxConnections = settings.maxConnections();
        this.beamWidth = settings.beamWidth();
        this.searchBeamWidths = settings.searchBeamWidths();
        this.saveDirectory = settings.saveDirectory();
        this.loadDirectory = settings.loadDirectory();
        this.out = settings.out();
    }

    /** Measures, writes the results to {@code out} and prints them on standard output. */
    public void run() throws Exception {
        HnswIndex.Params defaults = HnswIndex.Params.defaults();
        HnswIndex.Params params = new HnswIndex.Params(
                maxConnections == null ? defaults.maxConnections() : maxConnections,
                beamWidth == null ? defaults.beamWidth() : beamWidth, defaults.searchBeamWidth());
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = gaussians(random, clusters, dimension, 1.0);
        ItemEmbeddings embeddings = itemVectors(random, centres);
        float[][] queryVectors = queryVectors(random, centres);

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"),
                "max_heap_gb", Runtime.getRuntime().maxMemory() / (1L << 30),
                "load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        results.put("data", Map.of("items", items, "dimension", dimension, "clusters", clusters,
                "cluster_noise", CLUSTER_NOISE, "log_norm_spread", LOG_NORM_SPREAD, "queries", queries, "seed", seed));
        results.put("index", "HnswIndex (graph built by Lucene 10 HNSW on int8 codes, searched by PackedHnswGraph, exact "
                + "re-rank)");

        ExactIndex exact = new ExactIndex(embeddings);
        for (int i = 0; i < Math.min(WARM_UP_QUERIES / 10, queries); i++) {
            exact.search(queryVectors[i], k);
        }
        // Exact search is timed on one thread over the first queries only; the rest of the ground truth is computed
        // on every core, which at 1M items saves minutes and changes no answer.
        int timedExact = Math.min(EXACT_TIMED_QUERIES, queries);
        List<Set<String>> truth = new ArrayList<>(queries);
        long started = System.nanoTime();
        for (int q = 0; q < timedExact; q++) {
            truth.add(idsOf(exact.search(queryVectors[q], k)));
        }
        double exactQps = timedExact / ((System.nanoTime() - started) / 1e9);
        truth.addAll(IntStream.range(timedExact, queries).parallel()
                .mapToObj(q -> idsOf(exact.search(queryVectors[q], k))).toList());
        results.put("exact_queries_per_second", round(exactQps));
        System.err.printf("exact: %.1f queries/s (%.2f ms/query)%n", exactQps, 1000 / exactQps);

        started = System.nanoTime();
        HnswIndex index;
        if (loadDirectory != null) {
            index = HnswIndex.load(loadDirectory);
            if (index.size() != items || index.dimension() != dimension) {
                throw new IllegalArgumentException(loadDirectory + " holds " + index.size() + " × "
                        + index.dimension() + "-d items, not the " + items + " × " + dimension + "-d asked for");
            }
            params = index.params();
        } else {
            index = HnswIndex.build(embeddings, params);
        }
        double buildSeconds = (System.nanoTime() - started) / 1e9;
        results.put("params", Map.of("max_connections", params.maxConnections(), "beam_width", params.beamWidth()));
        results.put(loadDirectory == null ? "build_seconds" : "load_seconds", round(buildSeconds));
        results.put("build_threads", Runtime.getRuntime().availableProcessors());
        System.err.printf("%s: %.1f s%n", loadDirectory == null ? "build" : "load", buildSeconds);
        results.put("index_megabytes", index.memoryBytes() >> 20);
        System.err.printf("index memory: %d MB%n", index.memoryBytes() >> 20);
        if (saveDirectory != null) {
            results.put("persistence", saveAndLoad(index, queryVectors));
        }

        // One untimed pass over every beam width first: timing the first widths while the JIT still compiles the
        // search made small beams look slower than large ones. Then the widths take turns, pass after pass, so that
        // a slow spell of the (shared) machine falls on all of them alike; each reports its median pass.
        int widths = searchBeamWidths.size();
        List<List<List<ScoredItem>>> answers = new ArrayList<>(widths);
        for (int ef : searchBeamWidths) {
            List<List<ScoredItem>> found = new ArrayList<>(queries);
            for (float[] query : queryVectors) {
                found.add(index.search(query, k, ef));
            }
            answers.add(found);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] passSeconds = new double[widths][TIMED_PASSES];
        double[] cpuSeconds = new double[widths];
        for (int pass = 0; pass < TIMED_PASSES; pass++) {
            for (int w = 0; w < widths; w++) {
                int ef = searchBeamWidths.get(w);
                long cpuStarted = threads.getCurrentThreadCpuTime();
                started = System.nanoTime();
                for (float[] query : queryVectors) {
                    index.search(query, k, ef);
                }
                passSeconds[w][pass] = (System.nanoTime() - started) / 1e9;
                cpuSeconds[w] += (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
            }
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int w = 0; w < widths; w++) {
            int ef = searchBeamWidths.get(w);
            double[] seconds = passSeconds[w].clone();
            Arrays.sort(seconds);
            double qps = queries / seconds[TIMED_PASSES / 2];
            int found = 0;
            for (int q = 0; q < queries; q++) {
                for (ScoredItem item : answers.get(w).get(q)) {
                    found += truth.get(q).contains(item.itemId()) ? 1 : 0;
                }
            }
            double recall = found / (double) (queries * k);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("search_beam_width", ef);
            run.put("recall_at_" + k, Math.round(recall * 10000) / 10000.0);
            run.put("queries_per_second", round(qps));
            run.put("queries_per_second_per_pass", Arrays.stream(passSeconds[w]).map(s -> round(queries / s)).toArray());
            // per second of this thread's CPU time over all passes: what the search costs, whatever else ran
            run.put("queries_per_cpu_second", round(TIMED_PASSES * queries / cpuSeconds[w]));
            run.put("speed_up", round(qps / exactQps));
            runs.add(run);
            System.err.printf("ef %4d: recall@%d %.4f, %.0f queries/s (passes %s, %.0f per CPU second), %.1f× exact%n",
                    ef, k, recall, qps,
                    Arrays.toString(Arrays.stream(passSeconds[w]).mapToLong(s -> Math.round(queries / s)).toArray()),
                    TIMED_PASSES * queries / cpuSeconds[w], qps / exactQps);
        }
        results.put("runs", runs);

        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results);
        Files.writeString(out, json);
        System.out.println(json);
    }

    /** Times a save and a load, and checks that the loaded index answers exactly as the built one. */
    private Map<String, Object> saveAndLoad(HnswIndex built, float[][] queryVectors) throws IOException {
        long started = System.nanoTime();
        built.save(saveDirectory);
        double saveSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        HnswIndex loaded = HnswIndex.load(saveDirectory);
        double loadSeconds = (System.nanoTime() - started) / 1e9;
        for (int q = 0; q < Math.min(WARM_UP_QUERIES, queries); q++) {
            if (!loaded.search(queryVectors[q], k).equals(built.search(queryVectors[q], k))) {
                throw new IllegalStateException("the loaded index answers query " + q + " differently");
            }
        }
        long bytes;
        try (Stream<Path> files = Files.list(saveDirectory)) {
            bytes = files.mapToLong(file -> file.toFile().length()).sum();
        }
        System.err.printf("save %.1f s, load %.1f s, %d MB%n", saveSeconds, loadSeconds, bytes >> 20);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("save_seconds", round(saveSeconds));
        result.put("load_seconds", round(loadSeconds));
        result.put("megabytes", bytes >> 20);
        return result;
    }

    private ItemEmbeddings itemVectors(SplittableRandom random, float[][] centres) {
        List<String> ids = new ArrayList<>(items);
        float[][] vectors = new float[items][];
        for (int i = 0; i < items; i++) {
            float[] vector = aroundCentre(random, centres);
            float scale = (float) Math.exp(random.nextGaussian() * LOG_NORM_SPREAD);
            for (int d = 0; d < dimension; d++) {
                vector[d] *= scale;
            }
            ids.add("i" + i);
            vectors[i] = vector;
        }
        return new ItemEmbeddings(ids, vectors);
    }

    /** Users lean to the same popular clusters as items; a query's norm does not change its ranking. */
    private float[][] queryVectors(SplittableRandom random, float[][] centres) {
        float[][] vectors = new float[queries][];
        for (int q = 0; q < queries; q++) {
            vectors[q] = aroundCentre(random, centres);
        }
        return vectors;
    }

    /** Squaring a uniform draw makes low-numbered clusters popular: cluster sizes fall off like 1/sqrt(rank). */
    private float[] aroundCentre(SplittableRandom random, float[][] centres) {
        double u = random.nextDouble();
        float[] centre = centres[(int) (u * u * centres.length)];
        float[] vector = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            vector[d] = (float) (centre[d] + random.nextGaussian() * CLUSTER_NOISE);
        }
        return vector;
    }

    private static float[][] gaussians(SplittableRandom random, int rows, int columns, double deviation) {
        float[][] values = new float[rows][columns];
        for (float[] row : values) {
            for (int c = 0; c < columns; c++) {
                row[c] = (float) (random.nextGaussian() * deviation);
            }
        }
        return values;
    }

    private static Set<String> idsOf(List<ScoredItem> found) {
        Set<String> ids = new HashSet<>();
        for (ScoredItem item : found) {
            ids.add(item.itemId());
        }
        return ids;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
