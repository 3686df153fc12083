package io.recsys.api.serving;

import ai.onnxruntime.OrtException;
import io.prometheus.client.Histogram;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.HeadReranking;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.retrieval.embedding.WeightedItem;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * "What should this user see now?": candidates from the ANN index (the user's vector folded in from their recent
 * interactions) and from what is trending → filters → live features → GBDT → ONNX rerank of the head → diversity
 * over categories → top k. Runs on a worker thread, never on the event loop.
 */
public final class RecommendationService {

    /**
     * A request after validation.
     *
     * @param logImpressions false for a list no person is shown (the page's rank chart): it is not published as
     *                       impressions, which would count against the items' CTR
     */
    public record Query(String userId, int k, Set<String> exclude, String surface, boolean explain,
                        boolean logImpressions) {
    }

    /** Users whose ANN candidates are remembered: ~6 KB each at 500 candidates. */
    private static final int ANN_CACHE_USERS = 50_000;

    private final ServingModels models;
    private final LiveFeatures features;
    private final Trending trending;
    private final Catalogue catalogue;
    private final ImpressionLogger impressions;
    private final ApiMetrics metrics;
    private final int candidateCount;
    private final int rerankHead;
    private final double diversity;
    private final Set<String> blocked;
    private final AnnCandidates annCandidates;
    private final Exploration exploration;

    public RecommendationService(ServingModels models, LiveFeatures features, Trending trending, Catalogue catalogue,
                                 ImpressionLogger impressions, ApiMetrics metrics, int candidateCount,
                                 int rerankHead, double diversity, Set<String> blocked, Exploration exploration) {
        this.models = models;
        this.features = features;
        this.trending = trending;
        this.catalogue = catalogue;
        this.impressions = impressions;
        this.metrics = metrics;
        this.candidateCount = candidateCount;
        this.rerankHead = rerankHead;
        this.diversity = diversity;
        this.blocked = Set.copyOf(blocked);
        this.annCandidates = new AnnCandidates(ANN_CACHE_USERS, metrics);
        this.exploration = exploration;
    }

    public Recommendation recommend(Query query) {
        Histogram.Timer total = metrics.requestDuration.labels("total").startTimer();
        String requestId = UUID.randomUUID().toString();
        ServingModels.Assignment assignment = models.forUser(query.userId());
        ModelBundle bundle = assignment.bundle();
        List<String> degradedReasons = new ArrayList<>();
        Map<String, Integer> perStage = new LinkedHashMap<>();

        // retrieve
        Histogram.Timer timer = metrics.requestDuration.labels("retrieve").startTimer();
        LiveFeatures.Read userRead = features.read(List.of(EntityKey.user(query.userId()), EntityKey.GLOBAL));
        if (userRead.degraded()) {
            degradedReasons.add(userRead.failure());
        }
        FeatureVector user = userRead.vector(0);
        FeatureVector global = userRead.vector(1);
        List<WeightedItem> interactions = RetrievalModel.recentInteractions(user);
        RetrievalModel retrieval = bundle.retrieval().orElse(null);
        AnnCandidates.Neighbours neighbours = retrieval == null ? null : annCandidates.nearest(bundle.version(),
                retrieval, interactions, candidateCount + interactions.size());
        float[] userVector = neighbours == null ? null : neighbours.userVector();
        Pool pool = new Pool(neighbours);
        // a user with a vector gets a few trending items for freshness; a cold user gets the full list
        pool.addAll(trending.top(userVector == null ? candidateCount : Math.max(10, candidateCount / 10)),
                "trending");
        if (pool.size() < query.k() && retrieval != null) {
            // a cold catalogue (nothing clicked yet) still has items: fill from the bundle's catalogue
            pool.fill(retrieval.items().itemIds(), "catalogue", candidateCount);
        }
        perStage.put("retrieve", pool.size());
        timer.observeDuration();

        // filter
        timer = metrics.requestDuration.labels("filter").startTimer();
        Set<String> seen = new HashSet<>();
        interactions.forEach(interaction -> seen.add(interaction.itemId()));
        List<String> candidates = new ArrayList<>(pool.size());
        String[] sources = new String[pool.size()];
        double[] retrievalScores = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            String item = pool.ids.get(i);
            if (!seen.contains(item) && !query.exclude().contains(item) && !blocked.contains(item)) {
                sources[candidates.size()] = pool.sources.get(i);
                retrievalScores[candidates.size()] = pool.retrievalScore(i);
                candidates.add(item);
            }
        }
        perStage.put("filter", candidates.size());
        timer.observeDuration();

        // features
        timer = metrics.requestDuration.labels("features").startTimer();
        int n = candidates.size();
        scoreUnknown(retrieval, userVector, candidates, retrievalScores);
        Catalogue.Lookup lookup = catalogue.categories(candidates);
        if (lookup.failure() != null) {
            degradedReasons.add(lookup.failure());
        }
        String[] categories = lookup.categories();
        List<EntityKey> keys = new ArrayList<>(n + 32);
        for (String item : candidates) {
            keys.add(EntityKey.item(item));
        }
        // each category's user × category vector, by its position in the read
        Map<String, Integer> categoryKeys = new HashMap<>();
        for (String category : categories) {
            if (category != null && !categoryKeys.containsKey(category)) {
                categoryKeys.put(category, keys.size());
                keys.add(EntityKey.userCategory(query.userId(), category));
            }
        }
        LiveFeatures.Read read = features.read(keys);
        if (read.degraded() && !userRead.degraded()) {
            degradedReasons.add(read.failure());
        }
        RankingFeatures spec = bundle.features();
        RankingFeatures.Rows rowsOfUser = spec.rows(user, global);
        // computed once per held item vector: looking up a vector's named values was the largest cost of ~550 rows
        Function<FeatureVector, double[]> itemValues = spec::itemValues;
        double[][] itemOnly = new double[n][];
        FeatureVector[] userCategories = new FeatureVector[n];
        // the rows go straight into one float column per feature, the shape the GBDT walks: rows of doubles
        // and their transposition were most of a request's garbage
        float[][] columns = new float[spec.size()][n];
        double[] row = new double[spec.size()];
        for (int i = 0; i < n; i++) {
            itemOnly[i] = read.derived(i, spec, itemValues);
            userCategories[i] = categories[i] == null ? null : read.vector(categoryKeys.get(categories[i]));
            rowsOfUser.fill(row, itemOnly[i], userCategories[i], categories[i], retrievalScores[i]);
            for (int c = 0; c < row.length; c++) {
                columns[c][i] = (float) row[c];
            }
        }
        perStage.put("features", n);
        timer.observeDuration();

        // gbdt
        timer = metrics.requestDuration.labels("gbdt").startTimer();
        double[] gbdt = bundle.gbdt().score(columns, n);
        timer.observeDuration();

        // rerank
        timer = metrics.requestDuration.labels("rerank").startTimer();
        double[] rerank = null;
        double[] finalScores = gbdt;
        int head = Math.min(rerankHead, n);
        if (head > 0) {
            try {
                int[] order = topIndices(gbdt, head);
                double[][] headRows = new double[head][];
                double[] headGbdt = new double[head];
                for (int i = 0; i < head; i++) {
                    // the reranker reads floats too, so the columns' values are all it would have seen
                    headRows[i] = new double[columns.length];
                    for (int c = 0; c < columns.length; c++) {
                        headRows[i][c] = columns[c][order[i]];
                    }
                    headGbdt[i] = gbdt[order[i]];
                }
                double[] headScores = bundle.reranker().score(headRows, headGbdt);
                rerank = new double[n];
                Arrays.fill(rerank, Double.NaN);
                for (int i = 0; i < head; i++) {
                    rerank[order[i]] = headScores[i];
                }
                finalScores = HeadReranking.finalScores(gbdt, order, headScores);
            } catch (OrtException | RuntimeException e) {
                metrics.countError(ErrorKind.RERANK);
                degradedReasons.add("rerank skipped: " + e.getMessage());
            }
        }
        perStage.put("rerank", head);
        timer.observeDuration();

        Exploration.Shown shown = exploration.apply(diversify(finalScores, categories, query.k()));
        int[] chosen = shown.order();
        if (ServingModels.CONTROL.equals(assignment.arm())) {
            metrics.drift.record(bundle, columns, chosen);
        }
        perStage.put("final", chosen.length);
        for (Map.Entry<String, Integer> stage : perStage.entrySet()) {
            metrics.candidates.labels(stage.getKey()).observe(stage.getValue());
        }
        List<Recommendation.Item> items = new ArrayList<>(chosen.length);
        for (int position = 0; position < chosen.length; position++) {
            int i = chosen[position];
            metrics.scores.observe(gbdt[i]);
            items.add(new Recommendation.Item(candidates.get(i), finalScores[i], position + 1, sources[i],
                    categories[i], query.explain() ? explain(bundle, rowsOfUser.row(itemOnly[i], userCategories[i],
                    categories[i], retrievalScores[i]), retrievalScores[i], gbdt[i],
                    rerank == null ? Double.NaN : rerank[i], finalScores[i]) : null,
                    shown.propensities()[position]));
        }
        boolean degraded = !degradedReasons.isEmpty();
        Recommendation recommendation = new Recommendation(requestId, query.userId(), bundle.version(),
                assignment.arm(), degraded, degradedReasons, items, perStage);
        if (query.logImpressions()) {
            impressions.log(recommendation, query.surface());
        }
        metrics.recommendations.labels(bundle.version(), assignment.arm(), Boolean.toString(degraded)).inc();
        total.observeDuration();
        return recommendation;
    }

    /**
     * The candidates of a request before filtering, in the order they were found (ANN first), each with the source
     * that found it first. Built from the ANN list's arrays rather than a map of all ~550: only the few items other
     * sources add are checked against the ANN list.
     */
    private static final class Pool {

        private final AnnCandidates.Neighbours neighbours;
        private final List<String> ids = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();

        Pool(AnnCandidates.Neighbours neighbours) {
            this.neighbours = neighbours;
            if (neighbours != null) {
                ids.addAll(Arrays.asList(neighbours.itemIds()));
                sources.addAll(java.util.Collections.nCopies(ids.size(), "ann"));
            }
        }

        int size() {
            return ids.size();
        }

        /** NaN where the score is not known yet: items that did not come from the ANN list. */
        double retrievalScore(int i) {
            return neighbours != null && i < neighbours.retrievalScores().length ? neighbours.retrievalScores()[i]
                    : Double.NaN;
        }

        /** Adds the items not in the pool yet, in order. */
        void addAll(List<String> items, String source) {
            Set<String> fresh = new LinkedHashSet<>(items);
            ids.forEach(fresh::remove);
            for (String item : fresh) {
                ids.add(item);
                sources.add(source);
            }
        }

        /** Adds items not in the pool yet, in order, until it holds {@code upTo}. */
        void fill(List<String> items, String source, int upTo) {
            Set<String> held = new HashSet<>(ids);
            for (String item : items) {
                if (ids.size() >= upTo) {
                    break;
                }
                if (held.add(item)) {
                    ids.add(item);
                    sources.add(source);
                }
            }
        }
    }

    /** Greedy MMR over categories: each pick pays {@code diversity} per earlier pick of its category. */
    private int[] diversify(double[] scores, String[] categories, int k) {
        int[] pool = topIndices(scores, Math.min(scores.length, Math.max(k * 5, 50)));
        int left = pool.length;
        int[] chosen = new int[Math.min(k, left)];
        Map<String, Integer> picked = new HashMap<>();
        for (int c = 0; c < chosen.length; c++) {
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < left; p++) {
                String category = categories[pool[p]];
                double value = scores[pool[p]] - diversity * (category == null ? 0
                        : picked.getOrDefault(category, 0));
                if (value > bestValue) {
                    bestValue = value;
                    best = p;
                }
            }
            chosen[c] = pool[best];
            System.arraycopy(pool, best + 1, pool, best, left - best - 1);
            left--;
            if (categories[chosen[c]] != null) {
                picked.merge(categories[chosen[c]], 1, Integer::sum);
            }
        }
        return chosen;
    }

    private static Map<String, Object> explain(ModelBundle bundle, double[] row, double retrievalScore, double gbdt,
                                               double rerank, double finalScore) {
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("retrieval_score", finite(retrievalScore));
        explanation.put("gbdt_score", gbdt);
        explanation.put("rerank_score", finite(rerank));
        explanation.put("final_score", finalScore);
        Map<String, Object> mattered = new LinkedHashMap<>();
        List<String> names = bundle.features().names();
        for (String feature : bundle.gbdt().importance().keySet()) {
            if (mattered.size() == 8) {
                break;
            }
            int column = names.indexOf(feature);
            if (column >= 0) {
                mattered.put(feature, finite(row[column]));
            }
        }
        explanation.put("top_features", mattered);
        return explanation;
    }

    private static Object finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /**
     * The indices of the {@code n} highest scores, highest first; ties keep index order. One pass with a small
     * sorted buffer: n is the rerank head or MMR pool (tens to a hundred) of ~550 candidates, where sorting boxed
     * indices of all of them showed in the profile.
     */
    static int[] topIndices(double[] scores, int n) {
        int size = Math.max(0, Math.min(n, scores.length));
        int[] top = new int[size];
        if (size == 0) {
            return top;
        }
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            if (filled == size && Double.compare(scores[i], scores[top[size - 1]]) <= 0) {
                continue;
            }
            int at = filled < size ? filled++ : size - 1;
            while (at > 0 && Double.compare(scores[i], scores[top[at - 1]]) > 0) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = i;
        }
        return top;
    }

    /** Fills in the retrieval scores not known yet (NaN): those of candidates that did not come from the ANN list. */
    private static void scoreUnknown(RetrievalModel retrieval, float[] userVector, List<String> candidates,
                                     double[] scores) {
        if (retrieval == null || userVector == null) {
            return;
        }
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (Double.isNaN(scores[i])) {
                unknown.add(i);
            }
        }
        double[] computed = retrieval.scores(userVector, unknown.stream().map(candidates::get).toList());
        for (int u = 0; u < computed.length; u++) {
            scores[unknown.get(u)] = computed[u];
        }
    }
}
