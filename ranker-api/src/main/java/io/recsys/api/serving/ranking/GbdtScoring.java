package io.recsys.api.serving.ranking;

/** Scores every candidate with the bundle's GBDT: its click probability, read straight from the feature columns. */
final class GbdtScoring implements RankingStage {

    @Override
    public int run(RankingRequest request) {
        int n = request.itemIds.size();
        request.gbdtScores = request.bundle.gbdt().score(request.columns, n);
        return n;
    }
}
