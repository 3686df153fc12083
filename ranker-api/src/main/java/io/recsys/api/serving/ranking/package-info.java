/**
 * The ranking pipeline of a recommendation request as stages, one class each: {@code CandidateSources},
 * {@code CandidateFilters}, {@code FeatureAssembly}, {@code GbdtScoring}, {@code HeadRerank},
 * {@code CategoryDiversification} and {@code HeadExploration}. They read and add columns of one per-request
 * {@link io.recsys.api.serving.ranking.RankingRequest}; {@link io.recsys.api.serving.ranking.RankingPipeline} runs
 * them in order and is the one place their time and candidate counts are recorded. What surrounds the pipeline (the
 * experiment arm, the response, impressions) is {@link io.recsys.api.serving.RecommendationService}'s.
 */
package io.recsys.api.serving.ranking;
