package io.recsys.api.serving.ranking;

import io.recsys.api.serving.Exploration;

/**
 * Shows a share of lists with their head in a random order and records each position's propensity
 * ({@link Exploration}); with exploration off the diversified list is shown as it is.
 */
final class HeadExploration implements RankingStage {

    private final Exploration exploration;

    HeadExploration(Exploration exploration) {
        this.exploration = exploration;
    }

    @Override
    public int run(RankingRequest request) {
        Exploration.Shown shown = exploration.apply(request.diversified);
        request.shown = shown.order();
        request.propensities = shown.propensities();
        return request.shown.length;
    }
}
