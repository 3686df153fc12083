package io.recsys.models.evaluation.movielens;

import io.recsys.datasets.MovieLensDataset.Rating;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The per-user temporal split of DESIGN.md: each user's ratings sorted by (time, item id), the first
 * {@code floor(n · trainPercent / 100)} to train and the rest to test. Flooring (in integer arithmetic, so 0.8·n
 * never lands a hair under an integer) is what reproduces the reference popularity numbers; rounding to nearest or
 * up moves a rating per user and gives 906 or 904 evaluated users instead of 908.
 *
 * @param train user id to their training ratings, in split order; users in numeric id order
 * @param test  user id to their test ratings, in split order; every user of {@code train} has an entry
 */
public record TemporalSplit(SortedMap<String, List<Rating>> train, SortedMap<String, List<Rating>> test) {

    /**
     * MovieLens ids are decimal integers without leading zeros, for which shorter-then-lexicographic is numeric
     * order; it stays a total order for any other string. Ordering ties by id as text instead of as a number changes
     * which rating falls on which side of the boundary.
     */
    static final Comparator<String> ID_ORDER = Comparator.comparingInt(String::length)
            .thenComparing(Comparator.naturalOrder());

    static final Comparator<Rating> SPLIT_ORDER = Comparator.comparingLong(Rating::time)
            .thenComparing(Rating::itemId, ID_ORDER);

    public static TemporalSplit perUser(Collection<Rating> ratings, int trainPercent) {
        if (trainPercent < 0 || trainPercent > 100) {
            throw new IllegalArgumentException("train percentage must be within 0..100, got " + trainPercent);
        }
        SortedMap<String, List<Rating>> byUser = new TreeMap<>(ID_ORDER);
        for (Rating rating : ratings) {
            byUser.computeIfAbsent(rating.userId(), id -> new ArrayList<>()).add(rating);
        }
        SortedMap<String, List<Rating>> train = new TreeMap<>(ID_ORDER);
        SortedMap<String, List<Rating>> test = new TreeMap<>(ID_ORDER);
        for (Map.Entry<String, List<Rating>> user : byUser.entrySet()) {
            List<Rating> ordered = user.getValue();
            ordered.sort(SPLIT_ORDER);
            int trainCount = ordered.size() * trainPercent / 100;
            train.put(user.getKey(), List.copyOf(ordered.subList(0, trainCount)));
            test.put(user.getKey(), List.copyOf(ordered.subList(trainCount, ordered.size())));
        }
        return new TemporalSplit(Collections.unmodifiableSortedMap(train), Collections.unmodifiableSortedMap(test));
    }

    /** Every training rating, user by user: the input to a nested (validation) split. */
    public List<Rating> trainRatings() {
        return train.values().stream().flatMap(List::stream).toList();
    }

    public List<Rating> testRatings() {
        return test.values().stream().flatMap(List::stream).toList();
    }
}
