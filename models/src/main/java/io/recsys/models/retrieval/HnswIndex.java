package io.recsys.models.retrieval;

import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.SparseFixedBitSet;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.NeighborQueue;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.apache.lucene.util.hnsw.UpdateableRandomVectorScorer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Approximate maximum-inner-product search over an HNSW graph built and searched with Lucene's
 * {@code org.apache.lucene.util.hnsw} (no index writer or codec involved).
 *
 * <p>The graph is built on the raw inner product, the ordering Lucene's {@code MAXIMUM_INNER_PRODUCT} similarity
 * gives, and searched with it; so scores are exactly {@code query · item} and need no normalised vectors. The
 * textbook alternative, the MIPS → nearest-neighbour reduction (append {@code sqrt(M² − |x|²)} to each item, 0 to
 * the query), ranks identically but navigates far worse once item norms differ, as they do in matrix-factorisation
 * embeddings: the extended items crowd together at one pole of a sphere, every item is about equally far from
 * the query, and the greedy search stops early. On 20k clustered 64-d items it fell from recall@10 0.92 (equal
 * norms) to 0.11 (log-norm standard deviation 0.5) at {@code ef} 40, where the raw inner product held 0.96
 * (docs/benchmarks.md). Under inner product long vectors become hubs that most searches pass through, which
 * is what leads them to the top items (Morozov and Babenko, "Non-metric similarity graphs for maximum inner
 * product search", NeurIPS 2018).
 *
 * <p>The graph is linked and walked on {@link Int8Codes byte codes} of the vectors, a quarter of their memory, with a
 * SIMD byte inner product; the walk's best {@code 2k} candidates are then re-ranked by their exact float inner
 * product, so returned scores are exact. Against floats throughout this doubled search speed at 1M items with the
 * same recall, and cut the build by a quarter (docs/benchmarks.md, "ANN retrieval"). Lucene builds the graph; the
 * search is our own, on a {@link PackedHnswGraph} laid out for it. The codes are derived from the vectors on load,
 * so the saved files hold only ids, vectors and graph.
 *
 * <p>Immutable once built or loaded; {@link #search} may be called from many threads at once.
 */
public final class HnswIndex implements VectorIndex {

    /**
     * Candidates re-ranked by exact inner product, per result asked for. On 1M × 64-d (docs/benchmarks.md) the exact
     * top 10 always lay among the 20 best by code score: recall@10 was the same to the fourth digit whether 20 or all
     * 40-80 candidates were re-ranked, and each re-ranked candidate costs a read of its 256-byte float vector.
     */
    private static final int RERANK_PER_RESULT = 2;

    private final ItemEmbeddings items;
    private final FrozenHnswGraph graph;
    private final PackedHnswGraph packed;
    private final Params params;
    /**
     * Each thread reuses its searcher's visited array and heaps: allocating them took ~15% of a search at 1M items.
     * A searcher holds 4 bytes per item (its visited array): 4 MB per searching thread at 1M items.
     */
    private final ThreadLocal<PackedHnswGraph.Searcher> searchers;

    /**
     * How the graph is built and searched.
     *
     * @param maxConnections  HNSW {@code M}: neighbours kept per node on the upper levels (twice that on level 0)
     * @param beamWidth       candidates considered while linking a new node ({@code efConstruction})
     * @param searchBeamWidth candidates kept while searching ({@code ef}); raised to {@code k} when smaller
     */
    public record Params(int maxConnections, int beamWidth, int searchBeamWidth) {

        public Params {
            requirePositive("maxConnections", maxConnections);
            requirePositive("beamWidth", beamWidth);
            requirePositive("searchBeamWidth", searchBeamWidth);
        }

        /**
         * Chosen on 1M × 64-d clustered vectors (docs/benchmarks.md, "ANN retrieval"): M 24 reached recall@10 0.96 at
         * ef 50 where M 16 needed ef 60 for 0.955, at the same speed; it builds in 168 s instead of 143 s on 2 cores.
         * Under inner product the diversity rule keeps only ~6 links per node on average, so a larger M costs
         * little memory.
         */
        public static Params defaults() {
            return new Params(24, 100, 50);
        }

        private static void requirePositive(String name, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
        }
    }

    HnswIndex(ItemEmbeddings items, FrozenHnswGraph graph, Params params) {
        this(items, Int8Codes.of(items.vectors()), graph, params);
    }

    private HnswIndex(ItemEmbeddings items, Int8Codes codes, FrozenHnswGraph graph, Params params) {
        this.items = items;
        this.graph = graph;
        this.packed = PackedHnswGraph.of(graph, codes);
        this.searchers = ThreadLocal.withInitial(packed::newSearcher);
        this.params = params;
    }

    /** Builds the graph with one worker per available core. */
    public static HnswIndex build(ItemEmbeddings items, Params params) {
        float[][] vectors = items.vectors();
        int workers = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(workers, daemonThreads());
        try {
            Int8Codes codes = Int8Codes.of(vectors);
            RandomVectorScorerSupplier scorers = new CodeScorers(codes);
            // The concurrent builder needs an empty graph sized for every node, and only a builder can make one.
            // Workers draw node levels from Lucene's global seed; how they interleave makes each build differ a little.
            OnHeapHnswGraph empty = HnswGraphBuilder.create(scorers, params.maxConnections(), params.beamWidth(),
                    HnswGraphBuilder.randSeed, vectors.length).getGraph();
            HnswConcurrentMergeBuilder builder = new HnswConcurrentMergeBuilder(new TaskExecutor(pool), workers,
                    scorers, params.maxConnections(), params.beamWidth(), empty, null);
            return new HnswIndex(items, codes, FrozenHnswGraph.copyOf(builder.build(vectors.length)), params);
        } catch (IOException e) {
            throw new UncheckedIOException("building over in-memory vectors does no I/O", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Writes the item ids, vectors and graph to {@code directory} (created if missing), replacing an earlier save.
     *
     * @see #load(Path)
     */
    public void save(Path directory) throws IOException {
        HnswIndexFiles.save(directory, items, graph, params);
    }

    /**
     * Reads an index written by {@link #save(Path)} without rebuilding the graph.
     *
     * @throws IOException if a file is missing, truncated, corrupt, of another format version, or the two files do
     *                     not come from the same save; the message names the file
     */
    public static HnswIndex load(Path directory) throws IOException {
        return HnswIndexFiles.load(directory);
    }

    @Override
    public List<ScoredItem> search(float[] query, int k) {
        return search(query, k, params.searchBeamWidth());
    }

    /** Like {@link #search(float[], int)} with another {@code ef}: more candidates, better recall, slower. */
    public List<ScoredItem> search(float[] query, int k, int searchBeamWidth) {
        if (query.length != dimension()) {
            throw new IllegalArgumentException("query of dimension " + query.length + ", index of " + dimension());
        }
        if (k <= 0 || searchBeamWidth <= 0) {
            throw new IllegalArgumentException("k and searchBeamWidth must be positive, were " + k + " and "
                    + searchBeamWidth);
        }
        if (graph.size() == 0) {
            return List.of();
        }
        int[] rows = new int[(int) Math.min(Integer.MAX_VALUE, (long) RERANK_PER_RESULT * k)];
        int found = searchers.get().search(Int8Codes.encodeQuery(query), Math.max(k, searchBeamWidth), rows);
        return exactTop(query, rows, found, k);
    }

    /**
     * The same search walked by Lucene's {@link HnswGraphSearcher} on the graph as built, with the same codes and
     * re-rank: the reference {@link PackedHnswGraph}'s walk is tested against.
     */
    List<ScoredItem> searchWithLucene(float[] query, int k, int searchBeamWidth) {
        if (graph.size() == 0) {
            return List.of();
        }
        byte[] queryCode = Int8Codes.encodeQuery(query);
        RandomVectorScorer scorer = new RandomVectorScorer() {
            @Override
            public float score(int row) {
                return packed.score(queryCode, row);
            }

            @Override
            public int maxOrd() {
                return graph.size();
            }
        };
        TopKnnCollector candidates = new TopKnnCollector(Math.max(k, searchBeamWidth), Integer.MAX_VALUE);
        try {
            new HnswGraphSearcher(new NeighborQueue(64, true), new SparseFixedBitSet(graph.size()))
                    .search(candidates, scorer, graph.cursor(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("searching an in-memory graph does no I/O", e);
        }
        ScoreDoc[] found = candidates.topDocs().scoreDocs;
        int[] rows = new int[Math.min(found.length, RERANK_PER_RESULT * k)];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = found[i].doc;
        }
        return exactTop(query, rows, rows.length, k);
    }

    /**
     * The walk's best candidates by code score ({@code rows[0 .. found]}), re-ranked by their exact inner product
     * with {@code query}: the best {@code k}.
     */
    private List<ScoredItem> exactTop(float[] query, int[] rows, int found, int k) {
        float[][] vectors = items.vectors();
        // score and position packed in one long: sorting the longs sorts by score, with no boxing
        long[] keyed = new long[found];
        for (int i = 0; i < found; i++) {
            float score = VectorUtil.dotProduct(query, vectors[rows[i]]);
            keyed[i] = ((long) sortableBits(score) << 32) | i;
        }
        Arrays.sort(keyed);
        List<ScoredItem> result = new ArrayList<>(Math.min(k, found));
        for (int i = found - 1; i >= 0 && result.size() < k; i--) {
            int row = rows[(int) keyed[i]];
            result.add(new ScoredItem(items.itemIds().get(row), Float.intBitsToFloat(unsortableBits(keyed[i]))));
        }
        return result;
    }

    /** Float bits as an int that orders as the floats do (negative floats flipped below positive ones). */
    private static int sortableBits(float value) {
        int bits = Float.floatToIntBits(value);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private static int unsortableBits(long keyed) {
        int sortable = (int) (keyed >>> 32);
        return sortable ^ ((sortable >> 31) & 0x7fffffff);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public int dimension() {
        return items.dimension();
    }

    /**
     * The heap this index takes, estimated from its arrays: the float vectors (kept for exact scores), the graph as
     * built (kept for saving), and the search layout (byte codes, level 0 renumbered); the item ids and each
     * searching thread's visited array (4 bytes per item) are not counted.
     */
    public long memoryBytes() {
        long vectors = (long) size() * (16 + 4L * dimension() + 4);
        return vectors + graph.bytes() + packed.bytes();
    }

    public Params params() {
        return params;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "hnsw-build-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Item-to-item code inner product, for linking nodes while building. Linking on codes rather than floats built
     * 1M items in 143 s instead of 194 s, and the graph searched to the same recall (0.9555 against 0.9566 at ef 60).
     */
    private record CodeScorers(Int8Codes codes) implements RandomVectorScorerSupplier {

        @Override
        public UpdateableRandomVectorScorer scorer() {
            return new UpdateableRandomVectorScorer() {
                private int fixed;

                @Override
                public void setScoringOrdinal(int node) {
                    fixed = node;
                }

                @Override
                public float score(int node) {
                    return codes.score(fixed, node);
                }

                @Override
                public int maxOrd() {
                    return codes.size();
                }
            };
        }

        /** Each scorer holds its own scoring item, so every builder worker can share this supplier. */
        @Override
        public RandomVectorScorerSupplier copy() {
            return this;
        }
    }
}
