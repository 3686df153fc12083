package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;
import io.recsys.schema.session.SessionAction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.recsys.models.evaluation.trivago.TrivagoRows.clickout;
import static io.recsys.models.evaluation.trivago.TrivagoRows.touch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickoutFeaturesTest {

    private static double feature(ClickoutList list, int hotel, String name) {
        return list.features()[hotel][ClickoutFeatures.column(name)];
    }

    @Test
    void sessionFeaturesDescribeWhatThisSessionDidWithEachHotelBeforeTheClickout() {
        List<ClickoutList> lists = ReplayedLists.replay(List.of(
                touch("s1", 100, 1, SessionAction.INTERACTION_IMAGE, "B"),
                touch("s1", 130, 2, SessionAction.INTERACTION_RATING, "B"),
                touch("s1", 140, 3, SessionAction.FILTER_SELECTION, "Pool"),
                touch("s1", 150, 4, SessionAction.INTERACTION_INFO, "C"),
                clickout("s1", 200, 5, "B", "A", "B", "C")), 0).lists();
        ClickoutList list = lists.get(0);

        assertThat(feature(list, 1, ClickoutFeatures.SESSION_TOUCHES)).isEqualTo(2);
        assertThat(feature(list, 1, ClickoutFeatures.SESSION_SECONDS_SINCE)).isEqualTo(70);
        assertThat(feature(list, 1, ClickoutFeatures.SESSION_STEPS_SINCE)).isEqualTo(3);
        assertThat(feature(list, 1, ClickoutFeatures.SESSION_LAST_TOUCHED)).isZero();
        assertThat(feature(list, 2, ClickoutFeatures.SESSION_LAST_TOUCHED)).isEqualTo(1);
        assertThat(feature(list, 0, ClickoutFeatures.SESSION_SECONDS_SINCE)).isNaN();
        assertThat(feature(list, 0, ClickoutFeatures.SESSION_FILTERS)).isEqualTo(1);
        assertThat(feature(list, 2, ClickoutFeatures.DISPLAY_POSITION)).isEqualTo(3);
    }

    @Test
    void aUsersEarlierSessionsCountForTheUserButNotForTheNewSession() {
        ClickoutList list = ReplayedLists.replay(List.of(
                new TrivagoRow("u", "old", 100, 1, SessionAction.CLICKOUT, "A", "DE", "Berlin",
                        "mobile", List.of(), List.of("A", "B"), List.of(50, 60)),
                new TrivagoRow("u", "new", 900, 1, SessionAction.CLICKOUT, "B", "DE", "Berlin",
                        "mobile", List.of(), List.of("A", "B"), List.of(50, 60))), 0).lists().get(1);

        assertThat(feature(list, 0, ClickoutFeatures.USER_CLICKOUTS)).isEqualTo(1);
        assertThat(feature(list, 0, ClickoutFeatures.SESSION_CLICKOUTS)).isZero();
    }

    @Test
    void listFeaturesPlaceEachHotelAmongTheOthersOnPriceAndCtr() {
        List<ClickoutList> lists = ReplayedLists.replay(List.of(
                clickout("s1", 100, 1, "B", List.of("A", "B", "C"), List.of(100, 150, 100)),
                clickout("s2", 200, 1, "A", List.of("A", "B", "C"), List.of(100, 150, 100))), 0).lists();
        ClickoutList second = lists.get(1);

        assertThat(second.column(ClickoutFeatures.column(ClickoutFeatures.PRICE_RANK))).containsExactly(1.5, 3, 1.5);
        assertThat(second.column(ClickoutFeatures.column(ClickoutFeatures.PRICE_OVER_MIN)))
                .containsExactly(1, 1.5, 1);
        assertThat(second.column(ClickoutFeatures.column(ClickoutFeatures.ITEM_CTR)))
                .containsExactly(1.0 / 21, 2.0 / 21, 1.0 / 21);
        assertThat(second.column(ClickoutFeatures.column(ClickoutFeatures.CTR_RANK))).containsExactly(2.5, 1, 2.5);
        assertThat(second.column(ClickoutFeatures.column(ClickoutFeatures.CTR_OVER_BEST)))
                .containsExactly(0.5, 1, 0.5);
        assertThat(second.column(ClickoutFeatures.column(ClickoutFeatures.ITEM_DEBIASED_CTR))[1])
                .as("clicked once where an average hotel is clicked 1/20 of the time").isEqualTo(2 / 1.05);
    }

    @Test
    void offsetsCountDisplayPlacesFromTheHotelTheSessionTouchedLast() {
        ClickoutList list = ReplayedLists.replay(List.of(
                touch("s1", 100, 1, SessionAction.INTERACTION_IMAGE, "C"),
                touch("s1", 110, 2, SessionAction.INTERACTION_IMAGE, "Z"),
                clickout("s1", 200, 3, "D", "A", "B", "C", "D")), 0).lists().get(0);

        assertThat(list.column(ClickoutFeatures.column(ClickoutFeatures.OFFSET_FROM_LAST_TOUCHED)))
                .as("Z, touched last, is not in the list").containsOnly(Double.NaN);
        assertThat(list.column(ClickoutFeatures.column(ClickoutFeatures.OFFSET_FROM_LATEST_TOUCHED_SHOWN)))
                .containsExactly(-2, -1, 0, 1);
    }

    @Test
    void theSessionsEarlierListsAndTheClickoutsSortOrderAreFeatures() {
        ClickoutList list = ReplayedLists.replay(List.of(
                clickout("s1", 100, 1, "B", "A", "B"),
                new TrivagoRow("user-s1", "s1", 200, 2, SessionAction.CLICKOUT, "A", "DE", "Berlin", "desktop",
                        List.of("Sort by Price", "Pool"), List.of("B", "A"), List.of(50, 60))), 0).lists().get(1);

        assertThat(list.column(ClickoutFeatures.column(ClickoutFeatures.SESSION_LAST_SHOWN_POSITION)))
                .containsExactly(2, 1);
        assertThat(list.column(ClickoutFeatures.column(ClickoutFeatures.SESSION_LAST_CLICKOUT)))
                .containsExactly(1, 0);
        assertThat(list.column(ClickoutFeatures.column(ClickoutFeatures.SORTED_BY_PRICE))).containsOnly(1.0);
        assertThat(list.column(ClickoutFeatures.column(ClickoutFeatures.FILTERS_ACTIVE))).containsOnly(2.0);
        assertThat(list.column(ClickoutFeatures.column(ClickoutFeatures.SESSION_SECONDS_SINCE_ANY)))
                .containsOnly(100.0);
    }

    @Test
    void anUnknownFeatureNameListsTheKnownOnes() {
        assertThatThrownBy(() -> ClickoutFeatures.column("stars")).hasMessageContaining("display_position");
    }
}
