package io.recsys.api.serving;

import ai.onnxruntime.OrtException;
import io.prometheus.client.Histogram;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.CandidateFeatures;
import io.recsys.models.ranking.HeadReranking;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.retrieval.ScoredItem;
import io.recsys.models.retrieval.embedding.WeightedItem;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * "What should this user see now?": candidates from the ANN index (the user's vector folded in from their recent
 * interactions) and from what is trending → filters → live features → GBDT → ONNX rerank of the head → diversity
 * over categories → top k. Runs on a worker thread, never on the event loop.
 */
public final class RecommendationService {

    /** A request after validation. */
    public record Query(String userId, int k, Set<String> exclude, String surface, boolean explain) {
    }

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

    public RecommendationService(ServingModels models, LiveFeatures features, Trending trending, Catalogue catalogue,
                                 ImpressionLogger impressions, ApiMetrics metrics, int candidateCount,
                                 int rerankHead, double diversity, Set<String> blocked) {
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
        EntityKey userKey = EntityKey.user(query.userId());
        LiveFeatures.Read userRead = features.read(List.of(userKey, EntityKey.GLOBAL));
        if (userRead.degraded()) {
            degradedReasons.add(userRead.failure());
        }
        FeatureVector user = userRead.vectors().get(userKey);
        List<String> recent = recentItems(user);
        Map<String, String> source = new LinkedHashMap<>();
        Map<String, Double> retrievalScore = new HashMap<>();
        float[] userVector = null;
        RetrievalModel retrieval = bundle.retrieval().orElse(null);
        if (retrieval != null) {
            userVector = retrieval.userVector(user);
            if (userVector != null) {
                for (ScoredItem item : retrieval.nearest(userVector, candidateCount + recent.size())) {
                    source.putIfAbsent(item.itemId(), "ann");
                    retrievalScore.put(item.itemId(), item.score());
                }
            }
        }
        // a user with a vector gets a few trending items for freshness; a cold user gets the full list
        List<String> popular = trending.top(userVector == null ? candidateCount : Math.max(10, candidateCount / 10));
        for (String item : popular) {
            source.putIfAbsent(item, "trending");
        }
        if (source.size() < query.k() && retrieval != null) {
            // a cold catalogue (nothing clicked yet) still has items: fill from the bundle's catalogue
            for (String item : retrieval.items().itemIds()) {
                if (source.size() >= candidateCount) {
                    break;
                }
                source.putIfAbsent(item, "catalogue");
            }
        }
        perStage.put("retrieve", source.size());
        timer.observeDuration();

        // filter
        timer = metrics.requestDuration.labels("filter").startTimer();
        Set<String> seen = new LinkedHashSet<>(recent);
        List<String> candidates = new ArrayList<>();
        for (String item : source.keySet()) {
            if (!seen.contains(item) && !query.exclude().contains(item) && !blocked.contains(item)) {
                candidates.add(item);
            }
        }
        perStage.put("filter", candidates.size());
        timer.observeDuration();

        // features
        timer = metrics.requestDuration.labels("features").startTimer();
        Catalogue.Lookup lookup = catalogue.categories(candidates);
        if (lookup.failure() != null) {
            degradedReasons.add(lookup.failure());
        }
        Map<String, String> categories = lookup.categories();
        List<EntityKey> keys = new ArrayList<>(candidates.size() + 8);
        for (String item : candidates) {
            keys.add(EntityKey.item(item));
        }
        Set<String> itemCategories = new LinkedHashSet<>(categories.values());
        for (String category : itemCategories) {
            keys.add(EntityKey.userCategory(query.userId(), category));
        }
        LiveFeatures.Read read = features.read(keys);
        if (read.degraded() && !userRead.degraded()) {
            degradedReasons.add(read.failure());
        }
        double[] retrievalScores = retrieval == null ? nans(candidates.size())
                : retrieval.scores(userVector, candidates);
        List<CandidateFeatures> candidateFeatures = new ArrayList<>(candidates.size());
        FeatureVector global = userRead.vectors().get(EntityKey.GLOBAL);
        for (int i = 0; i < candidates.size(); i++) {
            String item = candidates.get(i);
            String category = categories.get(item);
            candidateFeatures.add(new CandidateFeatures(read.vectors().get(EntityKey.item(item)), user,
                    category == null ? null : read.vectors().get(EntityKey.userCategory(query.userId(), category)),
                    global, category, retrievalScores[i]));
        }
        double[][] rows = bundle.features().vectors(candidateFeatures);
        perStage.put("features", rows.length);
        timer.observeDuration();

        // gbdt
        timer = metrics.requestDuration.labels("gbdt").startTimer();
        double[] gbdt = bundle.gbdt().score(rows);
        timer.observeDuration();

        // rerank
        timer = metrics.requestDuration.labels("rerank").startTimer();
        double[] rerank = null;
        double[] finalScores = gbdt;
        int head = Math.min(rerankHead, rows.length);
        if (head > 0) {
            try {
                Integer[] order = topIndices(gbdt, head);
                double[][] headRows = new double[head][];
                double[] headGbdt = new double[head];
                for (int i = 0; i < head; i++) {
                    headRows[i] = rows[order[i]];
                    headGbdt[i] = gbdt[order[i]];
                }
                double[] headScores = bundle.reranker().score(headRows, headGbdt);
                rerank = new double[rows.length];
                Arrays.fill(rerank, Double.NaN);
                for (int i = 0; i < head; i++) {
                    rerank[order[i]] = headScores[i];
                }
                finalScores = HeadReranking.finalScores(gbdt, rerank, head);
            } catch (OrtException | RuntimeException e) {
                metrics.errors.labels("rerank").inc();
                degradedReasons.add("rerank skipped: " + e.getMessage());
            }
        }
        perStage.put("rerank", head);
        timer.observeDuration();

        List<Integer> chosen = diversify(finalScores, candidates, categories, query.k());
        perStage.put("final", chosen.size());
        for (Map.Entry<String, Integer> stage : perStage.entrySet()) {
            metrics.candidates.labels(stage.getKey()).observe(stage.getValue());
        }
        List<Recommendation.Item> items = new ArrayList<>(chosen.size());
        for (int position = 0; position < chosen.size(); position++) {
            int i = chosen.get(position);
            String item = candidates.get(i);
            metrics.scores.observe(gbdt[i]);
            items.add(new Recommendation.Item(item, finalScores[i], position + 1, source.get(item),
                    categories.get(item), query.explain() ? explain(bundle, rows[i], retrievalScores[i], gbdt[i],
                    rerank == null ? Double.NaN : rerank[i], finalScores[i]) : null));
        }
        boolean degraded = !degradedReasons.isEmpty();
        Recommendation recommendation = new Recommendation(requestId, query.userId(), bundle.version(),
                assignment.arm(), degraded, degradedReasons, items, perStage);
        impressions.log(recommendation, query.surface());
        metrics.recommendations.labels(bundle.version(), assignment.arm(), Boolean.toString(degraded)).inc();
        total.observeDuration();
        return recommendation;
    }

    /** Greedy MMR over categories: each pick pays {@code diversity} per earlier pick of its category. */
    private List<Integer> diversify(double[] scores, List<String> candidates, Map<String, String> categories, int k) {
        Integer[] order = topIndices(scores, Math.min(scores.length, Math.max(k * 5, 50)));
        List<Integer> pool = new ArrayList<>(Arrays.asList(order));
        List<Integer> chosen = new ArrayList<>(k);
        Map<String, Integer> picked = new HashMap<>();
        while (chosen.size() < k && !pool.isEmpty()) {
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < pool.size(); p++) {
                String category = categories.get(candidates.get(pool.get(p)));
                double value = scores[pool.get(p)] - diversity * (category == null ? 0
                        : picked.getOrDefault(category, 0));
                if (value > bestValue) {
                    bestValue = value;
                    best = p;
                }
            }
            int index = pool.remove(best);
            chosen.add(index);
            String category = categories.get(candidates.get(index));
            if (category != null) {
                picked.merge(category, 1, Integer::sum);
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

    static Integer[] topIndices(double[] scores, int n) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return Arrays.copyOf(order, Math.min(n, order.length));
    }

    private static double[] nans(int n) {
        double[] values = new double[n];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    /** The items of the user's recent_items feature, newest first. */
    static List<String> recentItems(FeatureVector user) {
        return RetrievalModel.recentInteractions(user).stream().map(WeightedItem::itemId).toList();
    }
}
