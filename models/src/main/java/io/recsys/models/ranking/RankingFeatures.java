package io.recsys.models.ranking;

import io.recsys.schema.feature.FeatureVector;

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
    /** The features that read nothing but the item's own vector, as functions of that vector. */
    private static final Map<String, ToDoubleFunction<FeatureVector>> ITEM_ONLY = new LinkedHashMap<>();

    static {
        for (String count : List.of("impressions_short", "clicks_short", "impressions_1h", "clicks_1h",
                "impressions_24h", "clicks_24h", "views_24h")) {
            itemOnly("item." + count, item -> Math.log1p(item.number(count)));
        }
        for (String value : List.of("ctr_1h", "ctr_24h", "ctr_all", "debiased_ctr_24h", "trend")) {
            itemOnly("item." + value, item -> item.number(value));
        }
        itemOnly("item.age_hours", item -> item.number("age_hours") < 0 ? Double.NaN
                : Math.log1p(item.number("age_hours")));
        itemOnly("item.popularity", item -> Math.log1p(item.number("popularity")));
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

    private static void itemOnly(String name, ToDoubleFunction<FeatureVector> extractor) {
        ITEM_ONLY.put(name, extractor);
        KNOWN.put(name, c -> extractor.applyAsDouble(c.item()));
    }

    private final List<String> names;
    /** Columns computed from the item's vector alone, their extractors, and the other columns with theirs. */
    private final int[] itemColumns;
    private final List<ToDoubleFunction<FeatureVector>> itemExtractors = new ArrayList<>();
    private final int[] otherColumns;
    private final List<ToDoubleFunction<CandidateFeatures>> otherExtractors = new ArrayList<>();

    private RankingFeatures(List<String> names) {
        this.names = List.copyOf(names);
        List<Integer> item = new ArrayList<>();
        List<Integer> other = new ArrayList<>();
        for (int column = 0; column < names.size(); column++) {
            String name = names.get(column);
            if (!KNOWN.containsKey(name)) {
                throw new IllegalArgumentException("unknown ranking feature '" + name + "'; this build knows "
                        + KNOWN.keySet());
            }
            if (ITEM_ONLY.containsKey(name)) {
                item.add(column);
                itemExtractors.add(ITEM_ONLY.get(name));
            } else {
                other.add(column);
                otherExtractors.add(KNOWN.get(name));
            }
        }
        this.itemColumns = item.stream().mapToInt(Integer::intValue).toArray();
        this.otherColumns = other.stream().mapToInt(Integer::intValue).toArray();
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
        List<double[]> itemValues = new ArrayList<>(candidates.size());
        for (CandidateFeatures candidate : candidates) {
            itemValues.add(itemValues(candidate.item()));
        }
        return vectors(candidates, itemValues);
    }

    /**
     * The values of the features that read nothing but the item's vector, in this spec's order. A server that
     * holds item vectors for a while can compute them once per vector and pass them to
     * {@link #vectors(List, List)}: they are most of a row, and a request scores hundreds of items.
     */
    public double[] itemValues(FeatureVector item) {
        double[] values = new double[itemColumns.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = itemExtractors.get(i).applyAsDouble(item);
        }
        return values;
    }

    /** Like {@link #vectors(List)}, with each candidate's {@link #itemValues} computed beforehand. */
    public double[][] vectors(List<CandidateFeatures> candidates, List<double[]> itemValues) {
        double[][] rows = new double[candidates.size()][names.size()];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            double[] item = itemValues.get(r);
            for (int i = 0; i < itemColumns.length; i++) {
                row[itemColumns[i]] = item[i];
            }
            CandidateFeatures candidate = candidates.get(r);
            for (int i = 0; i < otherColumns.length; i++) {
                row[otherColumns[i]] = otherExtractors.get(i).applyAsDouble(candidate);
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
