package io.recsys.models.training.embedding;

import io.recsys.models.retrieval.ExactIndex;
import io.recsys.models.retrieval.ScoredItem;
import io.recsys.models.retrieval.embedding.WeightedItem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/**
 * Synthetic data with planted structure: users and items fall into {@value #GROUPS} groups, users interact only with
 * items of their own group, and group 0 has most of the users, so popularity recommends group 0 to everyone.
 */
class ImplicitAlsTrainerTest {

    private static final int GROUPS = 3;
    private static final int ITEMS_PER_GROUP = 20;
    private static final int[] USERS_PER_GROUP = {40, 15, 15};
    private static final int TRAIN_ITEMS_PER_USER = 8;
    private static final int HELD_OUT_PER_USER = 3;
    private static final ImplicitAlsParams PARAMS = new ImplicitAlsParams(8, 0.1, 5, 10, 7L);

    /** user id to the items they interacted with (train) and the ones held out for the test. */
    private final Map<String, List<String>> trainItems = new HashMap<>();
    private final Map<String, List<String>> heldOutItems = new HashMap<>();
    private final List<Interaction> interactions = new ArrayList<>();

    ImplicitAlsTrainerTest() {
        Random random = new Random(11);
        for (int group = 0; group < GROUPS; group++) {
            for (int u = 0; u < USERS_PER_GROUP[group]; u++) {
                String user = "g" + group + "-u" + u;
                List<String> items = new ArrayList<>();
                for (int i = 0; i < ITEMS_PER_GROUP; i++) {
                    items.add(item(group, i));
                }
                Collections.shuffle(items, random);
                trainItems.put(user, items.subList(0, TRAIN_ITEMS_PER_USER));
                heldOutItems.put(user, items.subList(TRAIN_ITEMS_PER_USER, TRAIN_ITEMS_PER_USER + HELD_OUT_PER_USER));
                for (String item : trainItems.get(user)) {
                    interactions.add(new Interaction(user, item, 1 + random.nextInt(3)));
                }
            }
        }
    }

    @Test
    void recommendsFromTheUsersOwnGroupAndFindsHeldOutItemsBetterThanPopularity() {
        ImplicitAlsModel model = new ImplicitAlsTrainer(PARAMS).train(interactions);
        ExactIndex index = new ExactIndex(model.itemEmbeddings());
        List<String> byPopularity = itemsByPopularity();

        int alsHits = 0;
        int popularityHits = 0;
        int minorityAlsHits = 0;
        int minorityHeldOut = 0;
        int inOwnGroup = 0;
        int recommended = 0;
        for (String user : trainItems.keySet()) {
            Set<String> seen = new HashSet<>(trainItems.get(user));
            List<String> alsTop = top(index.search(model.userVector(user).orElseThrow(), 10 + seen.size()), seen, 10);
            List<String> popularityTop = byPopularity.stream().filter(i -> !seen.contains(i)).limit(10).toList();
            int hits = (int) alsTop.stream().filter(heldOutItems.get(user)::contains).count();
            alsHits += hits;
            popularityHits += (int) popularityTop.stream().filter(heldOutItems.get(user)::contains).count();
            if (group(user) != 0) {
                minorityAlsHits += hits;
                minorityHeldOut += HELD_OUT_PER_USER;
            }
            inOwnGroup += (int) alsTop.stream().filter(i -> group(i) == group(user)).count();
            recommended += alsTop.size();
        }

        // A third of the catalogue is in the user's group; nothing but co-occurrence tells ALS which third.
        assertThat((double) inOwnGroup / recommended).as("share of recommendations from the user's own group")
                .isGreaterThan(0.85);
        // Popularity only ever shows group 0, so it finds nothing for the other groups; ALS finds most of it.
        assertThat((double) minorityAlsHits / minorityHeldOut).as("held-out recall of groups 1 and 2")
                .isGreaterThan(0.6);
        assertThat(alsHits).isGreaterThan(popularityHits);
    }

    @Test
    void foldingInATrainingUsersInteractionsGivesTheirTrainedVector() {
        ImplicitAlsModel model = new ImplicitAlsTrainer(PARAMS).train(interactions);
        ExactIndex index = new ExactIndex(model.itemEmbeddings());

        for (String user : List.of("g0-u3", "g1-u0", "g2-u14")) {
            List<WeightedItem> history = interactions.stream().filter(i -> i.userId().equals(user))
                    .map(i -> new WeightedItem(i.itemId(), i.weight())).toList();
            float[] folded = model.foldIn().userVector(history);
            float[] trained = model.userVector(user).orElseThrow();

            assertThat(folded).containsExactly(trained, offset(1e-6f));
            assertThat(ids(index.search(folded, 10))).isEqualTo(ids(index.search(trained, 10)));
        }
    }

    @Test
    void aNewUserWhoClickedThreeItemsOfAGroupGetsThatGroupsItems() {
        ImplicitAlsModel model = new ImplicitAlsTrainer(PARAMS).train(interactions);

        float[] vector = model.foldIn().userVector(List.of(new WeightedItem(item(2, 0), 1),
                new WeightedItem(item(2, 5), 1), new WeightedItem(item(2, 9), 1),
                new WeightedItem("an item trained on nothing", 1)));

        assertThat(ids(new ExactIndex(model.itemEmbeddings()).search(vector, 10)))
                .allSatisfy(item -> assertThat(group(item)).isEqualTo(2));
    }

    @Test
    void aUserWithNoKnownItemFoldsInToTheZeroVector() {
        ImplicitAlsModel model = new ImplicitAlsTrainer(PARAMS).train(interactions);

        assertThat(model.foldIn().userVector(List.of(new WeightedItem("unknown", 2)))).containsOnly(0f);
        assertThat(model.foldIn().userVector(List.of())).hasSize(PARAMS.factors()).containsOnly(0f);
    }

    @Test
    void trainingIsBitExactForAFixedSeedDespiteParallelSteps() {
        ImplicitAlsModel first = new ImplicitAlsTrainer(PARAMS).train(interactions);
        ImplicitAlsModel second = new ImplicitAlsTrainer(PARAMS).train(interactions);
        ImplicitAlsModel otherSeed = new ImplicitAlsTrainer(new ImplicitAlsParams(PARAMS.factors(),
                PARAMS.regularization(), PARAMS.alpha(), PARAMS.iterations(), 8L)).train(interactions);

        assertThat(second.itemEmbeddings().vectors()).isDeepEqualTo(first.itemEmbeddings().vectors());
        assertThat(second.userVector("g1-u1").orElseThrow()).isEqualTo(first.userVector("g1-u1").orElseThrow());
        assertThat(otherSeed.itemEmbeddings().vectors()).isNotEqualTo(first.itemEmbeddings().vectors());
    }

    @Test
    void repeatedInteractionsCountAsOneWithTheSummedWeight() {
        List<Interaction> split = new ArrayList<>();
        List<Interaction> summed = new ArrayList<>();
        for (Interaction interaction : interactions) {
            split.add(new Interaction(interaction.userId(), interaction.itemId(), interaction.weight() / 2));
            split.add(new Interaction(interaction.userId(), interaction.itemId(), interaction.weight() / 2));
            summed.add(interaction);
        }

        float[][] fromSplit = new ImplicitAlsTrainer(PARAMS).train(split).itemEmbeddings().vectors();
        float[][] fromSummed = new ImplicitAlsTrainer(PARAMS).train(summed).itemEmbeddings().vectors();

        assertThat(fromSplit).isDeepEqualTo(fromSummed);
    }

    @Test
    void invalidInputIsRejectedWithTheReason() {
        assertThatThrownBy(() -> new Interaction("u", "i", 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new ImplicitAlsParams(8, 0, 1, 10, 1)).hasMessageContaining("regularization");
        assertThatThrownBy(() -> new ImplicitAlsTrainer(PARAMS).train(List.of()))
                .hasMessageContaining("without interactions");
    }

    private List<String> itemsByPopularity() {
        Map<String, Long> counts = interactions.stream()
                .collect(Collectors.groupingBy(Interaction::itemId, Collectors.counting()));
        return counts.keySet().stream()
                .sorted(Comparator.<String>comparingLong(counts::get).reversed().thenComparing(i -> i))
                .toList();
    }

    private static List<String> top(List<ScoredItem> candidates, Set<String> excluded, int count) {
        return candidates.stream().map(ScoredItem::itemId).filter(i -> !excluded.contains(i)).limit(count).toList();
    }

    private static List<String> ids(List<ScoredItem> items) {
        return items.stream().map(ScoredItem::itemId).toList();
    }

    private static String item(int group, int index) {
        return "g" + group + "-i" + index;
    }

    private static int group(String id) {
        return Integer.parseInt(id.substring(1, id.indexOf('-')));
    }
}
