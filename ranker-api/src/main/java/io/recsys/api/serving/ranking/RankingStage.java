package io.recsys.api.serving.ranking;

/**
 * One step of the {@link RankingPipeline}: reads the columns earlier stages left in the request and adds its own.
 * A stage neither times itself nor records metrics about its output; the pipeline does both, in one place.
 */
interface RankingStage {

    /**
     * Runs this stage on one request.
     *
     * @return how many candidates the stage leaves (the head reranker: how many it reordered), which the pipeline
     *         reports when the stage is counted
     */
    int run(RankingRequest request);
}
