package io.recsys.models.evaluation.movielens;

import io.recsys.datasets.MovieLensDataset.Rating;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Popularity as a live system would have seen it when the user was served: positive training ratings (of all users)
 * made at or before the user's split time (their last training rating), each weighted by
 * 0.5^(age / half-life). Ties, including the items with no positive rating yet, go by ascending item id.
 */
final class RecentPopularityRecommender implements Recommender {

    private final List<Rating> positivesByTime;
    private final List<String> allItems;
    private final Map<String, Long> splitTimeByUser;
    private final double halfLifeMillis;

    private RecentPopularityRecommender(List<Rating> positivesByTime, List<String> allItems,
                                        Map<String, Long> splitTimeByUser, double halfLifeMillis) {
        this.positivesByTime = positivesByTime;
        this.allItems = allItems;
        this.splitTimeByUser = splitTimeByUser;
        this.halfLifeMillis = halfLifeMillis;
    }

    static RecentPopularityRecommender fromTrainPositives(TemporalSplit split, double halfLifeDays) {
        List<Rating> positives = new ArrayList<>();
        Map<String, Long> splitTimes = new HashMap<>();
        split.train().forEach((user, ratings) -> {
            for (Rating rating : ratings) {
                if (rating.rating() >= MovieLensEvaluation.POSITIVE_RATING) {
                    positives.add(rating);
                }
            }
            if (!ratings.isEmpty()) {
                splitTimes.put(user, ratings.get(ratings.size() - 1).time());
            }
        });
        positives.sort(Comparator.comparingLong(Rating::time));
        return new RecentPopularityRecommender(List.copyOf(positives),
                List.copyOf(PopularityRecommender.allItems(split)), splitTimes, halfLifeDays * 86_400_000.0);
    }

    @Override
    public List<String> recommend(String userId, Set<String> excluded, int count) {
        Long splitTime = splitTimeByUser.get(userId);
        Map<String, Double> score = new HashMap<>();
        for (Rating positive : positivesByTime) {
            if (splitTime == null || positive.time() > splitTime) {
                break;
            }
            double age = splitTime - positive.time();
            score.merge(positive.itemId(), Math.pow(0.5, age / halfLifeMillis), Double::sum);
        }
        return allItems.stream()
                .filter(item -> !excluded.contains(item))
                .sorted(Comparator.<String>comparingDouble(item -> -score.getOrDefault(item, 0.0))
                        .thenComparing(TemporalSplit.ID_ORDER))
                .limit(count)
                .toList();
    }
}
