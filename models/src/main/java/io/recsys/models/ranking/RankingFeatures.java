package io.recsys.models.ranking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The numeric inputs of the ranking models, named after the feature registry's features they come from. Training
 * and serving both build vectors here, so a model sees the same definition in both places; the bundle records the
 * names it was trained with and refuses to load against a spec that lacks one of them. Counts enter as log1p so a
 * linear reranker sees them on a comparable scale; missing values are NaN (the GBDT treats them as missing).
 */
public final class RankingFeatures {

    private static final Map<String, ToDoubleFunction<CandidateFeatures>> KNOWN = new LinkedHashMap<>();

    static {
        for (String count : List.of("impressions_short", "clicks_short", "impressions_1h", "clicks_1h",
                "impressions_24h", "clicks_24h", "views_24h")) {
            KNOWN.put("item." + count, c -> Math.log1p(c.item().number(count)));
        }
        for (String value : List.of("ctr_1h", "ctr_24h", "ctr_all", "debiased_ctr_24h", "trend")) {
            KNOWN.put("item." + value, c -> c.item().number(value));
        }
        KNOWN.put("item.age_hours", c -> c.item().number("age_hours") < 0 ? Double.NaN
                : Math.log1p(c.item().number("age_hours")));
        KNOWN.put("item.popularity", c -> Math.log1p(c.item().number("popularity")));
        for (String count : List.of("clicks_1h", "clicks_24h", "views_24h", "clicks_all")) {
            KNOWN.put("user." + count, c -> Math.log1p(c.user().number(count)));
        }
        KNOWN.put("user.recent_items", c -> c.user().values().get("recent_items") instanceof List<?> l ? l.size() : 0);
        KNOWN.put("user.category_affinity", RankingFeatures::affinityToItemCategory);
        KNOWN.put("user_category.impressions_24h",
                c -> c.userCategory() == null ? Double.NaN : Math.log1p(c.userCategory().number("impressions_24h")));
        KNOWN.put("user_category.ctr_24h",
                c -> c.userCategory() == null ? Double.NaN : c.userCategory().number("ctr_24h"));
        KNOWN.put("user_category.ctr_all",
                c -> c.userCategory() == null ? Double.NaN : c.userCategory().number("ctr_all"));
        KNOWN.put("global.ctr_1h", c -> c.global().number("ctr_1h"));
        KNOWN.put("item.ctr_1h_lift", c -> c.item().number("ctr_1h") / c.global().number("ctr_24h"));
        KNOWN.put("retrieval.score", CandidateFeatures::retrievalScore);
    }

    private final List<String> names;
    private final List<ToDoubleFunction<CandidateFeatures>> extractors;

    private RankingFeatures(List<String> names) {
        this.names = List.copyOf(names);
        this.extractors = new ArrayList<>(names.size());
        for (String name : names) {
            ToDoubleFunction<CandidateFeatures> extractor = KNOWN.get(name);
            if (extractor == null) {
                throw new IllegalArgumentException("unknown ranking feature '" + name + "'; this build knows "
                        + KNOWN.keySet());
            }
            extractors.add(extractor);
        }
    }

    /** Every feature this build can compute, in a stable order. */
    public static RankingFeatures all() {
        return new RankingFeatures(new ArrayList<>(KNOWN.keySet()));
    }

    /** A spec recorded in a bundle; fails if this build cannot compute one of its features. */
    public static RankingFeatures of(List<String> names) {
        return new RankingFeatures(names);
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    /** One row per candidate of a list, in list order. */
    public double[][] vectors(List<CandidateFeatures> candidates) {
        double[][] rows = new double[candidates.size()][extractors.size()];
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < extractors.size(); i++) {
                rows[r][i] = extractors.get(i).applyAsDouble(candidates.get(r));
            }
        }
        return rows;
    }

    private static double affinityToItemCategory(CandidateFeatures c) {
        if (c.itemCategory() == null) {
            return Double.NaN;
        }
        Object affinity = c.user().values().get("category_affinity");
        if (affinity instanceof Map<?, ?> map && map.get(c.itemCategory()) instanceof Number share) {
            return share.doubleValue();
        }
        return 0.0;
    }
}
