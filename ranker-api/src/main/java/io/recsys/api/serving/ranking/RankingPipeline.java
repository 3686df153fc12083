package io.recsys.api.serving.ranking;

import io.prometheus.client.Histogram;
import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.Catalogue;
import io.recsys.api.serving.Exploration;
import io.recsys.api.serving.LiveFeatures;
import io.recsys.api.serving.Trending;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ranking stages of a recommendation, run in order on one {@link RankingRequest}:
 * <pre>
 *   CandidateSources          ANN neighbours of the user's folded-in vector + trending (+ catalogue when cold)
 *   → CandidateFilters        recently interacted, excluded, blocked
 *   → FeatureAssembly         live item, user, user × category and global features → one float column per feature
 *   → GbdtScoring             click probability of every candidate
 *   → HeadRerank              ONNX reranker over the GBDT's head (skipped, degraded, when it fails)
 *   → CategoryDiversification greedy MMR over categories → at most k
 *   → HeadExploration         a share of lists with a shuffled head, with propensities
 * </pre>
 * Timing and counting happen here and nowhere else: each stage that has a label is timed under it in
 * {@code recsys_request_duration_seconds}, and the candidates each counted stage leaves go into the request's
 * per-stage counts and, once every stage has run, {@code recsys_candidates}. The labels are what dashboards, alert
 * rules and benchmarks read; diversification and exploration are timed only within the request's "total".
 */
public final class RankingPipeline {

    /**
     * @param timedAs   the stage label of its time; null: not timed on its own
     * @param countedAs the stage label of the candidates it leaves; null: not counted
     */
    record Step(String timedAs, String countedAs, RankingStage stage) {
    }

    private final ApiMetrics metrics;
    private final Step[] steps;

    /**
     * @param candidateCount how many candidates retrieval looks for
     * @param annCacheUsers  users whose ANN candidates are remembered (~6 KB each at 500 candidates); 0: none
     * @param rerankHead     how many of the GBDT's best the reranker reorders; 0: none
     * @param diversity      what each earlier pick of its category costs a candidate's score
     * @param blocked        items never shown
     */
    public RankingPipeline(LiveFeatures features, Trending trending, Catalogue catalogue, ApiMetrics metrics,
                           int candidateCount, int annCacheUsers, int rerankHead, double diversity, Set<String> blocked,
                           Exploration exploration) {
        this(metrics, List.of(
                new Step("retrieve", "retrieve", new CandidateSources(features, trending::top,
                        new AnnCandidates(annCacheUsers, metrics), candidateCount)),
                new Step("filter", "filter", new CandidateFilters(blocked)),
                new Step("features", "features", new FeatureAssembly(features, catalogue)),
                new Step("gbdt", null, new GbdtScoring()),
                new Step("rerank", "rerank", new HeadRerank(rerankHead, metrics)),
                new Step(null, null, new CategoryDiversification(diversity)),
                new Step(null, "final", new HeadExploration(exploration))));
    }

    RankingPipeline(ApiMetrics metrics, List<Step> steps) {
        this.metrics = metrics;
        this.steps = steps.toArray(Step[]::new);
    }

    /** Runs every stage on {@code request}; a stage that throws ends the request, and nothing is counted for it. */
    public void run(RankingRequest request) {
        for (Step step : steps) {
            Histogram.Timer timer = step.timedAs() == null ? null
                    : metrics.requestDuration.labels(step.timedAs()).startTimer();
            int left = step.stage().run(request);
            if (timer != null) {
                timer.observeDuration();
            }
            if (step.countedAs() != null) {
                request.candidatesPerStage.put(step.countedAs(), left);
            }
        }
        for (Map.Entry<String, Integer> stage : request.candidatesPerStage.entrySet()) {
            metrics.candidates.labels(stage.getKey()).observe(stage.getValue());
        }
    }
}
