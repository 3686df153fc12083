package io.recsys.models.evaluation.movielens;

import io.recsys.datasets.MovieLensDataset.Rating;
import io.recsys.models.evaluation.EvaluationResult;
import io.recsys.models.retrieval.ExactIndex;
import io.recsys.models.training.embedding.ImplicitAlsParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MovieLensEvaluationTest {

    private static final List<EmbeddingConfig> SMALL_GRID = List.of(
            new EmbeddingConfig(InteractionWeighting.ALL_RATINGS, new ImplicitAlsParams(8, 1, 1, 5, 1L)),
            new EmbeddingConfig(InteractionWeighting.RATING_VALUE, new ImplicitAlsParams(8, 1, 1, 5, 1L)));

    @Test
    void aDirectoryWithoutUDataIsRejectedWithWhatWasExpected(@TempDir Path dir) {
        assertThatThrownBy(() -> new MovieLensEvaluation().run(dir, line -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("no u.data")
                .hasMessageContaining("MovieLens 100K");
    }

    @Test
    void dataWithoutAPositiveTestRatingIsRejectedRatherThanAveragedOverNoUsers(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("u.data"), "1\t1\t3\t10\n1\t2\t2\t20\n2\t1\t5\t10\n2\t2\t1\t20\n");

        assertThatThrownBy(() -> new MovieLensEvaluation().run(dir, line -> { }))
                .hasMessageContaining("no user has a test rating of 4 or more");
    }

    @Test
    void reportsTheProtocolsMetricsForTheSystemAndBothBaselinesThroughThePluggedInIndex(@TempDir Path dir)
            throws Exception {
        writePlantedRatings(dir);
        AtomicInteger indexesBuilt = new AtomicInteger();
        List<String> progress = new ArrayList<>();

        EvaluationResult result = new MovieLensEvaluation(embeddings -> {
            indexesBuilt.incrementAndGet();
            return new ExactIndex(embeddings);
        }, SMALL_GRID).run(dir, progress::add);

        assertThat(result.system()).containsOnlyKeys("recall@20", "recall@50", "ndcg@20", "users");
        assertThat(result.baselines()).containsOnlyKeys("popularity", "popularity_recent");
        assertThat(result.baselines().get("popularity")).containsOnlyKeys("recall@20", "recall@50", "ndcg@20",
                "users");
        assertThat(result.system().get("users")).isEqualTo(70.0);
        assertThat(result.system().get("recall@50")).isGreaterThan(result.baselines().get("popularity")
                .get("recall@50"));
        assertThat(indexesBuilt).as("validation uses exact search; only the final model goes through the factory")
                .hasValue(1);
        assertThat(result.notes()).containsKeys("chosen", "validation", "training_ms", "recall@50_exact_index");
        assertThat((List<?>) result.notes().get("validation")).hasSize(SMALL_GRID.size());
        assertThat(result.scoreSamples().get("system").positives()).isNotEmpty();
        assertThat(result.scoreSamples().get("system").negatives()).hasSameSizeAs(
                result.scoreSamples().get("system").positives());
        assertThat(progress).isNotEmpty();
    }

    @Test
    void popularityCountsPositiveTrainingRatingsAndBreaksTiesByAscendingNumericId() {
        List<Rating> ratings = List.of(
                new Rating("1", "10", 5, 1), new Rating("1", "9", 4, 2), new Rating("1", "8", 3, 3),
                new Rating("1", "7", 5, 4), new Rating("1", "99", 1, 5),
                new Rating("2", "10", 4, 1), new Rating("2", "8", 2, 2), new Rating("2", "7", 4, 3),
                new Rating("2", "9", 5, 4), new Rating("2", "99", 1, 5));
        TemporalSplit split = TemporalSplit.perUser(ratings, 80);

        List<String> ranked = PopularityRecommender.fromTrainPositives(split).recommend("3", Set.of("9"), 10);

        // 10 and 7 have two positives each, 9 is excluded, 8 has none and 99 only appears in test.
        assertThat(ranked).containsExactly("7", "10", "8", "99");
    }

    /**
     * 3 groups of 20 users; each user rates 20 of their group's 30 films over time, mostly 4 or 5. Group 0's films
     * are rated more often by a handful of extra fans, so popularity favours them for everyone.
     */
    private static void writePlantedRatings(Path dir) throws Exception {
        Random random = new Random(5);
        StringBuilder data = new StringBuilder();
        int user = 1;
        for (int group = 0; group < 3; group++) {
            for (int u = 0; u < 20; u++, user++) {
                appendRatings(data, user, group, random);
            }
        }
        for (int fan = 0; fan < 10; fan++, user++) {
            appendRatings(data, user, 0, random);
        }
        Files.writeString(dir.resolve("u.data"), data.toString());
    }

    private static void appendRatings(StringBuilder data, int user, int group, Random random) {
        List<Integer> films = new ArrayList<>();
        for (int f = 1; f <= 30; f++) {
            films.add(group * 30 + f);
        }
        Collections.shuffle(films, random);
        long time = 880_000_000L + random.nextInt(1_000_000);
        for (int film : films.subList(0, 20)) {
            time += 1 + random.nextInt(3_600);
            int rating = random.nextDouble() < 0.85 ? 4 + random.nextInt(2) : 1 + random.nextInt(3);
            data.append(user).append('\t').append(film).append('\t').append(rating).append('\t').append(time)
                    .append('\n');
        }
    }
}
