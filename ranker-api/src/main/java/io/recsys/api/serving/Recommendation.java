package io.recsys.api.serving;

import java.util.List;
import java.util.Map;

/** What a recommendation request returns. */
public record Recommendation(String requestId, String userId, String modelVersion, String experimentArm,
                             boolean degraded, List<String> degradedReasons, List<Item> items,
                             Map<String, Integer> candidatesPerStage) {

    /**
     * @param explanation per-stage scores and the features that mattered; null unless asked for
     * @param propensity  the probability that the serving policy showed this item here, when the list was explored;
     *                    null otherwise
     */
    public record Item(String itemId, double score, int position, String source, String category,
                       Map<String, Object> explanation, Double propensity) {
    }
}
