package io.recsys.api.serving;

import ai.onnxruntime.OrtException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.prometheus.client.Histogram;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.CandidateFeatures;
import io.recsys.models.ranking.HeadReranking;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.retrieval.embedding.WeightedItem;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;

import java.util.ArrayList;
import java.util.Arrays;
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
    /** Per bundle spec (weakly held, so a replaced bundle's go with it): item-only values per item vector. */
    private final Cache<RankingFeatures, Cache<FeatureVector, double[]>> itemValues = Caffeine.newBuilder()
            .weakKeys().build();

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
        this.annCandidates = new AnnCandidates(ANN_CACHE_USERS, metrics);
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
        List<WeightedItem> interactions = RetrievalModel.recentInteractions(user);
        List<String> recent = interactions.stream().map(WeightedItem::itemId).toList();
        Map<String, String> source = new LinkedHashMap<>();
        Map<String, Double> retrievalScore = new HashMap<>();
        float[] userVector = null;
        RetrievalModel retrieval = bundle.retrieval().orElse(null);
        if (retrieval != null) {
            userVector = retrieval.userVector(interactions);
            if (userVector != null) {
                AnnCandidates.Neighbours neighbours = annCandidates.nearest(bundle.version(), retrieval,
                        interactions, userVector, candidateCount + recent.size());
                for (int i = 0; i < neighbours.itemIds().length; i++) {
                    source.putIfAbsent(neighbours.itemIds()[i], "ann");
                    retrievalScore.put(neighbours.itemIds()[i], neighbours.retrievalScores()[i]);
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
        double[] retrievalScores = retrievalScores(retrieval, userVector, candidates, retrievalScore);
        List<CandidateFeatures> candidateFeatures = new ArrayList<>(candidates.size());
        FeatureVector global = userRead.vectors().get(EntityKey.GLOBAL);
        for (int i = 0; i < candidates.size(); i++) {
            String item = candidates.get(i);
            String category = categories.get(item);
            candidateFeatures.add(new CandidateFeatures(read.vectors().get(EntityKey.item(item)), user,
                    category == null ? null : read.vectors().get(EntityKey.userCategory(query.userId(), category)),
                    global, category, retrievalScores[i]));
        }
        double[][] rows = bundle.features().vectors(candidateFeatures, itemValues(bundle.features(),
                candidateFeatures));
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

    /**
     * The indices of the {@code n} highest scores, highest first; ties keep index order. One pass with a small
     * sorted buffer: n is the rerank head or MMR pool (tens to a hundred) of ~550 candidates, where sorting boxed
     * indices of all of them showed in the profile.
     */
    static Integer[] topIndices(double[] scores, int n) {
        int size = Math.max(0, Math.min(n, scores.length));
        if (size == 0) {
            return new Integer[0];
        }
        int[] top = new int[size];
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
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = top[i];
        }
        return order;
    }

    /**
     * Each candidate's item-only feature values, computed once per held item vector (and bundle spec): looking up
     * a vector's named values was the largest cost of building ~550 rows. Keys are compared by identity and held
     * weakly, so a vector replaced by a fresher read takes its values with it.
     */
    private List<double[]> itemValues(RankingFeatures spec, List<CandidateFeatures> candidates) {
        Cache<FeatureVector, double[]> memo = itemValues.get(spec, s -> Caffeine.newBuilder().weakKeys().build());
        List<double[]> values = new ArrayList<>(candidates.size());
        for (CandidateFeatures candidate : candidates) {
            values.add(memo.get(candidate.item(), spec::itemValues));
        }
        return values;
    }

    /** Each candidate's retrieval score: the ANN candidates' come with their list, the others are computed. */
    private static double[] retrievalScores(RetrievalModel retrieval, float[] userVector, List<String> candidates,
                                            Map<String, Double> known) {
        double[] scores = new double[candidates.size()];
        Arrays.fill(scores, Double.NaN);
        if (retrieval == null) {
            return scores;
        }
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            Double score = known.get(candidates.get(i));
            if (score != null) {
                scores[i] = score;
            } else {
                unknown.add(i);
            }
        }
        double[] computed = retrieval.scores(userVector, unknown.stream().map(candidates::get).toList());
        for (int u = 0; u < computed.length; u++) {
            scores[unknown.get(u)] = computed[u];
        }
        return scores;
    }
}
