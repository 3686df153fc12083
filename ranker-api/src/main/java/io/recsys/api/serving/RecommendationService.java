package io.recsys.api.serving;

import io.prometheus.client.Histogram;
import io.recsys.api.serving.ranking.RankingPipeline;
import io.recsys.api.serving.ranking.RankingRequest;
import io.recsys.models.bundle.ModelBundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * "What should this user see now?": picks the user's experiment arm and its bundle, runs the
 * {@link RankingPipeline} (candidates from the ANN index and what is trending → filters → live features → GBDT →
 * ONNX rerank of the head → diversity over categories → top k, with exploration), and turns the list into the
 * answer: recorded for drift (control arm), published as impressions and counted. Runs on a worker thread, never
 * on the event loop.
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

    private final ServingModels models;
    private final ImpressionLogger impressions;
    private final ApiMetrics metrics;
    private final RankingPipeline pipeline;

    public RecommendationService(ServingModels models, LiveFeatures features, Trending trending, Catalogue catalogue,
                                 ImpressionLogger impressions, ApiMetrics metrics, int candidateCount,
                                 int annCacheUsers, int rerankHead, double diversity, Set<String> blocked, Exploration exploration) {
        this.models = models;
        this.impressions = impressions;
        this.metrics = metrics;
        this.pipeline = new RankingPipeline(features, trending, catalogue, metrics, candidateCount, annCacheUsers,
                rerankHead, diversity, blocked, exploration);
    }

    public Recommendation recommend(Query query) {
        Histogram.Timer total = metrics.requestDuration.labels("total").startTimer();
        String requestId = UUID.randomUUID().toString();
        ServingModels.Assignment assignment = models.forUser(query.userId());
        ModelBundle bundle = assignment.bundle();
        RankingRequest ranking = new RankingRequest(query.userId(), query.k(), query.exclude(), bundle);
        pipeline.run(ranking);
        int[] shown = ranking.shown();
        if (ServingModels.CONTROL.equals(assignment.arm())) {
            metrics.drift.record(bundle, ranking.columns(), shown);
        }
        List<Recommendation.Item> items = new ArrayList<>(shown.length);
        for (int position = 0; position < shown.length; position++) {
            int i = shown[position];
            metrics.scores.observe(ranking.gbdtScore(i));
            items.add(new Recommendation.Item(ranking.itemId(i), ranking.finalScore(i), position + 1,
                    ranking.source(i), ranking.category(i), query.explain() ? ranking.explanation(i) : null,
                    ranking.propensity(position)));
        }
        List<String> degradedReasons = ranking.degradedReasons();
        boolean degraded = !degradedReasons.isEmpty();
        Recommendation recommendation = new Recommendation(requestId, query.userId(), bundle.version(),
                assignment.arm(), degraded, degradedReasons, items, ranking.candidatesPerStage());
        if (query.logImpressions()) {
            impressions.log(recommendation, query.surface());
        }
        metrics.recommendations.labels(bundle.version(), assignment.arm(), Boolean.toString(degraded)).inc();
        total.observeDuration();
        return recommendation;
    }
}
