package io.recsys.models.ranking;

import io.recsys.schema.feature.FeatureVector;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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

    /** What a feature reads, so a server can compute it once per item, per request or per category. */
    private enum Scope {
        /** The item's own vector only. */
        ITEM,
        /** A value of the item's own vector combined with the global vector. */
        ITEM_GLOBAL,
        /** The user's and the global vectors only: the same for every candidate of a request. */
        USER,
        /** The user's vectors and the item's category: the same for every candidate of one category. */
        CATEGORY,
        /** The candidate's retrieval score. */
        RETRIEVAL
    }

    /** How an {@link Scope#ITEM_GLOBAL} feature combines the item's part with the global vector. */
    @FunctionalInterface
    private interface WithGlobal {
        double apply(double itemPart, FeatureVector global);
    }

    /**
     * @param itemPart   for {@link Scope#ITEM} the whole feature, for {@link Scope#ITEM_GLOBAL} the item's part, as
     *                   a function of the item's vector; null otherwise
     * @param withGlobal for {@link Scope#ITEM_GLOBAL} only
     */
    private record Feature(Scope scope, ToDoubleFunction<CandidateFeatures> extractor,
                           ToDoubleFunction<FeatureVector> itemPart, WithGlobal withGlobal) {
    }

    private static final Map<String, Feature> KNOWN = new LinkedHashMap<>();

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
            known("user." + count, Scope.USER, c -> Math.log1p(c.user().number(count)));
        }
        known("user.recent_items", Scope.USER,
                c -> c.user().values().get("recent_items") instanceof List<?> l ? l.size() : 0);
        known("user.category_affinity", Scope.CATEGORY, RankingFeatures::affinityToItemCategory);
        known("user_category.impressions_24h", Scope.CATEGORY,
                c -> c.userCategory() == null ? Double.NaN : Math.log1p(c.userCategory().number("impressions_24h")));
        known("user_category.ctr_24h", Scope.CATEGORY,
                c -> c.userCategory() == null ? Double.NaN : c.userCategory().number("ctr_24h"));
        known("user_category.ctr_all", Scope.CATEGORY,
                c -> c.userCategory() == null ? Double.NaN : c.userCategory().number("ctr_all"));
        known("global.ctr_1h", Scope.USER, c -> c.global().number("ctr_1h"));
        itemAndGlobal("item.ctr_1h_lift", item -> item.number("ctr_1h"),
                (ctr, global) -> ctr / global.number("ctr_24h"));
        known("retrieval.score", Scope.RETRIEVAL, CandidateFeatures::retrievalScore);
    }

    private static void known(String name, Scope scope, ToDoubleFunction<CandidateFeatures> extractor) {
        KNOWN.put(name, new Feature(scope, extractor, null, null));
    }

    private static void itemOnly(String name, ToDoubleFunction<FeatureVector> extractor) {
        KNOWN.put(name, new Feature(Scope.ITEM, c -> extractor.applyAsDouble(c.item()), extractor, null));
    }

    private static void itemAndGlobal(String name, ToDoubleFunction<FeatureVector> itemPart, WithGlobal withGlobal) {
        KNOWN.put(name, new Feature(Scope.ITEM_GLOBAL,
                c -> withGlobal.apply(itemPart.applyAsDouble(c.item()), c.global()), itemPart, withGlobal));
    }

    private final List<String> names;
    /** Every column's feature, in column order. */
    private final List<Feature> features = new ArrayList<>();
    /** Per scope, the columns of this spec's features of that scope and, in the same order, the features. */
    private final Map<Scope, int[]> columns = new EnumMap<>(Scope.class);
    private final Map<Scope, List<Feature>> scoped = new EnumMap<>(Scope.class);
    /** The item parts of the {@link Scope#ITEM} columns, then of the {@link Scope#ITEM_GLOBAL} ones. */
    private final List<ToDoubleFunction<FeatureVector>> itemParts = new ArrayList<>();

    private RankingFeatures(List<String> names) {
        this.names = List.copyOf(names);
        Map<Scope, List<Integer>> scopedColumns = new EnumMap<>(Scope.class);
        for (Scope scope : Scope.values()) {
            scopedColumns.put(scope, new ArrayList<>());
            scoped.put(scope, new ArrayList<>());
        }
        for (int column = 0; column < names.size(); column++) {
            String name = names.get(column);
            Feature feature = KNOWN.get(name);
            if (feature == null) {
                throw new IllegalArgumentException("unknown ranking feature '" + name + "'; this build knows "
                        + KNOWN.keySet());
            }
            features.add(feature);
            scopedColumns.get(feature.scope()).add(column);
            scoped.get(feature.scope()).add(feature);
        }
        scopedColumns.forEach((scope, list) -> columns.put(scope, list.stream().mapToInt(Integer::intValue)
                .toArray()));
        for (Scope scope : List.of(Scope.ITEM, Scope.ITEM_GLOBAL)) {
            scoped.get(scope).forEach(feature -> itemParts.add(feature.itemPart()));
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
        double[][] rows = new double[candidates.size()][names.size()];
        for (int r = 0; r < rows.length; r++) {
            for (int column = 0; column < features.size(); column++) {
                rows[r][column] = features.get(column).extractor().applyAsDouble(candidates.get(r));
            }
        }
        return rows;
    }

    /**
     * What the features need from the item's vector alone, in this spec's order. A server that holds item vectors
     * for a while can compute them once per vector and pass them to {@link Rows#row}: they are most of a row, and
     * a request scores hundreds of items whose vectors are spread over the heap, where every look-up of a named
     * value is a cache miss.
     */
    public double[] itemValues(FeatureVector item) {
        double[] values = new double[itemParts.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = itemParts.get(i).applyAsDouble(item);
        }
        return values;
    }

    /**
     * Rows for the candidates of one user, equal to {@link #vectors}'s: the columns that read only the user and
     * global vectors are computed once, those that read the user's vectors and the item's category once per
     * category, and the item's own values come from {@link #itemValues}. A request scores hundreds of candidates
     * over a few categories, so computing every column per candidate repeated the same map look-ups hundreds of
     * times. Not thread-safe: one per request.
     */
    public Rows rows(FeatureVector user, FeatureVector global) {
        return new Rows(user, global);
    }

    /** See {@link #rows}. */
    public final class Rows {

        private final FeatureVector user;
        private final FeatureVector global;
        private final double[] userValues;
        private final Map<String, double[]> categoryValues = new HashMap<>();
        private double[] noCategoryValues;

        private Rows(FeatureVector user, FeatureVector global) {
            this.user = user;
            this.global = global;
            this.userValues = values(Scope.USER, new CandidateFeatures(null, user, null, global, null, Double.NaN));
        }

        /**
         * @param itemValues   {@link #itemValues} of the item's vector
         * @param userCategory the user × category vector; null when the item has no category
         * @param category     the item's category, null when unknown; the same category must come with the same
         *                     user × category vector throughout
         */
        public double[] row(double[] itemValues, FeatureVector userCategory, String category, double retrievalScore) {
            double[] row = new double[names.size()];
            fill(row, itemValues, userCategory, category, retrievalScore);
            return row;
        }

        /** Like {@link #row}, into an array of {@link #size()} the caller reuses from one candidate to the next. */
        public void fill(double[] row, double[] itemValues, FeatureVector userCategory, String category,
                         double retrievalScore) {
            int[] item = columns.get(Scope.ITEM);
            for (int i = 0; i < item.length; i++) {
                row[item[i]] = itemValues[i];
            }
            int[] itemGlobal = columns.get(Scope.ITEM_GLOBAL);
            List<Feature> itemGlobalFeatures = scoped.get(Scope.ITEM_GLOBAL);
            for (int i = 0; i < itemGlobal.length; i++) {
                row[itemGlobal[i]] = itemGlobalFeatures.get(i).withGlobal().apply(itemValues[item.length + i],
                        global);
            }
            put(row, Scope.USER, userValues);
            put(row, Scope.CATEGORY, categoryValues(userCategory, category));
            for (int column : columns.get(Scope.RETRIEVAL)) {
                row[column] = retrievalScore;
            }
        }

        private double[] categoryValues(FeatureVector userCategory, String category) {
            double[] values = category == null ? noCategoryValues : categoryValues.get(category);
            if (values == null) {
                values = values(Scope.CATEGORY, new CandidateFeatures(null, user, userCategory, global, category,
                        Double.NaN));
                if (category == null) {
                    noCategoryValues = values;
                } else {
                    categoryValues.put(category, values);
                }
            }
            return values;
        }

        private void put(double[] row, Scope scope, double[] values) {
            int[] to = columns.get(scope);
            for (int i = 0; i < to.length; i++) {
                row[to[i]] = values[i];
            }
        }
    }

    private double[] values(Scope scope, CandidateFeatures candidate) {
        List<Feature> features = scoped.get(scope);
        double[] values = new double[features.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = features.get(i).extractor().applyAsDouble(candidate);
        }
        return values;
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
