package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;
import io.recsys.schema.session.SessionAction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.recsys.models.evaluation.trivago.TrivagoRows.clickout;
import static io.recsys.models.evaluation.trivago.TrivagoRows.touch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeOrderedReplayTest {

    private static final int TOUCHES = ClickoutFeatures.column(ClickoutFeatures.SESSION_TOUCHES);
    private static final int IMPRESSIONS = ClickoutFeatures.column(ClickoutFeatures.ITEM_IMPRESSIONS);

    @Test
    void aClickoutSeesRowsBeforeItsInstantButNotRowsAtIt() {
        List<TrivagoRow> rows = List.of(
                touch("s1", 100, 1, SessionAction.INTERACTION_IMAGE, "A"),
                touch("s1", 200, 2, SessionAction.INTERACTION_INFO, "B"),
                clickout("s1", 200, 3, "B", "A", "B", "C"));

        ClickoutList list = ReplayedLists.replay(rows, Long.MAX_VALUE).lists().get(0);

        assertThat(list.column(TOUCHES)).containsExactly(1, 0, 0);
    }

    @Test
    void aClickoutDoesNotSeeItsOwnListOrAnotherListAtTheSameInstant() {
        List<TrivagoRow> rows = List.of(
                clickout("s1", 100, 1, "A", "A", "B"),
                clickout("s2", 100, 1, "B", "A", "B"),
                clickout("s3", 101, 1, "B", "A", "B"));

        List<ClickoutList> lists = ReplayedLists.replay(rows, Long.MAX_VALUE).lists();

        assertThat(lists.get(0).column(IMPRESSIONS)).containsExactly(0, 0);
        assertThat(lists.get(1).column(IMPRESSIONS)).containsExactly(0, 0);
        assertThat(lists.get(2).column(IMPRESSIONS)).containsExactly(2, 2);
    }

    @Test
    void theFrozenCtrIsTakenAtTheFirstInstantOfTheTestPartAndOnlyTestListsCarryIt() {
        List<TrivagoRow> rows = List.of(
                clickout("s1", 100, 1, "A", "A", "B"),
                clickout("s2", 200, 1, "A", "A", "B"),
                clickout("s3", 300, 1, "A", "A", "B"));

        List<ClickoutList> lists = ReplayedLists.replay(rows, 200).lists();

        assertThat(lists.get(0).frozenCtr()).isNull();
        assertThat(lists.get(1).frozenCtr()).containsExactly(2.0 / 21, 1.0 / 21);
        assertThat(lists.get(2).frozenCtr()).as("frozen, though s2's click is known by 300")
                .containsExactly(2.0 / 21, 1.0 / 21);
    }

    @Test
    void rowsOutOfTimeOrderAreRefused() {
        List<TrivagoRow> rows = List.of(touch("s1", 200, 1, SessionAction.INTERACTION_IMAGE, "A"),
                touch("s1", 100, 2, SessionAction.INTERACTION_IMAGE, "A"));

        assertThatThrownBy(() -> ReplayedLists.replay(rows, 0)).hasMessageContaining("not in replay order");
    }
}
