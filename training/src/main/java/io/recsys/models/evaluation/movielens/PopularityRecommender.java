package io.recsys.models.evaluation.movielens;

import io.recsys.datasets.MovieLensDataset.Rating;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The same list for everyone: items by number of positive training ratings, ties by ascending item id. */
final class PopularityRecommender implements Recommender {

    private final List<String> itemsByPopularity;

    private PopularityRecommender(List<String> itemsByPopularity) {
        this.itemsByPopularity = itemsByPopularity;
    }

    /**
     * Every item of {@code split} (train or test) is ranked, so items never rated positively in train come last.
     * Breaking ties by ascending id is what reproduces the reference numbers.
     */
    static PopularityRecommender fromTrainPositives(TemporalSplit split) {
        Map<String, Integer> positives = new HashMap<>();
        for (Rating rating : split.trainRatings()) {
            if (rating.rating() >= MovieLensEvaluation.POSITIVE_RATING) {
                positives.merge(rating.itemId(), 1, Integer::sum);
            }
        }
        List<String> items = new ArrayList<>(allItems(split));
        items.sort(Comparator.<String>comparingInt(item -> -positives.getOrDefault(item, 0))
                .thenComparing(TemporalSplit.ID_ORDER));
        return new PopularityRecommender(List.copyOf(items));
    }

    static Set<String> allItems(TemporalSplit split) {
        Set<String> items = new TreeSet<>(TemporalSplit.ID_ORDER);
        split.train().values().forEach(ratings -> ratings.forEach(r -> items.add(r.itemId())));
        split.test().values().forEach(ratings -> ratings.forEach(r -> items.add(r.itemId())));
        return items;
    }

    @Override
    public List<String> recommend(String userId, Set<String> excluded, int count) {
        List<String> top = new ArrayList<>(count);
        for (String item : itemsByPopularity) {
            if (top.size() == count) {
                break;
            }
            if (!excluded.contains(item)) {
                top.add(item);
            }
        }
        return top;
    }
}
