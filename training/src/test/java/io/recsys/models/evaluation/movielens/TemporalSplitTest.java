package io.recsys.models.evaluation.movielens;

import io.recsys.datasets.MovieLensDataset.Rating;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TemporalSplitTest {

    @Test
    void eachUsersRatingsAreOrderedByTimeThenNumericItemIdAndTheFirstEightyPercentFloorTrain(@TempDir Path dir)
            throws Exception {
        // user 1: 5 ratings -> 4 train, 1 test. Items 9 and 10 share a time: 9 first (as text "10" would come first).
        // user 2: 9 ratings -> floor(7.2) = 7 train, 2 test. Written out of order on purpose.
        Files.writeString(dir.resolve("u.data"), String.join("\n",
                "1\t10\t5\t300", "1\t9\t4\t300", "1\t3\t2\t100", "1\t7\t1\t200", "1\t2\t5\t400",
                "2\t1\t3\t90", "2\t2\t3\t80", "2\t3\t3\t70", "2\t4\t3\t60", "2\t5\t3\t50",
                "2\t6\t3\t40", "2\t7\t3\t30", "2\t8\t3\t20", "2\t9\t3\t10", ""));

        TemporalSplit split = TemporalSplit.perUser(MovieLensEvaluation.readRatings(dir), 80);

        assertThat(items(split.train().get("1"))).containsExactly("3", "7", "9", "10");
        assertThat(items(split.test().get("1"))).containsExactly("2");
        assertThat(items(split.train().get("2"))).containsExactly("9", "8", "7", "6", "5", "4", "3");
        assertThat(items(split.test().get("2"))).containsExactly("2", "1");
    }

    @Test
    void usersComeInNumericOrder() {
        List<Rating> ratings = List.of(new Rating("10", "1", 5, 1), new Rating("9", "1", 5, 1),
                new Rating("100", "1", 5, 1));

        assertThat(TemporalSplit.perUser(ratings, 80).train().keySet()).containsExactly("9", "10", "100");
    }

    @Test
    void aNestedSplitOfTheTrainingPartGivesTheValidationSplit() {
        List<Rating> ratings = List.of(new Rating("1", "1", 5, 1), new Rating("1", "2", 5, 2),
                new Rating("1", "3", 5, 3), new Rating("1", "4", 5, 4), new Rating("1", "5", 5, 5),
                new Rating("1", "6", 5, 6), new Rating("1", "7", 5, 7));

        TemporalSplit outer = TemporalSplit.perUser(ratings, 80);
        TemporalSplit validation = TemporalSplit.perUser(outer.trainRatings(), 80);

        assertThat(items(outer.train().get("1"))).containsExactly("1", "2", "3", "4", "5");
        assertThat(items(validation.train().get("1"))).containsExactly("1", "2", "3", "4");
        assertThat(items(validation.test().get("1"))).containsExactly("5");
    }

    private static List<String> items(List<Rating> ratings) {
        return ratings.stream().map(Rating::itemId).toList();
    }
}
