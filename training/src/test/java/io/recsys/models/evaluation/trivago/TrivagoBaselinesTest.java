package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;
import io.recsys.schema.session.SessionAction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.recsys.models.evaluation.trivago.TrivagoRows.clickout;
import static io.recsys.models.evaluation.trivago.TrivagoRows.touch;
import static org.assertj.core.api.Assertions.assertThat;

class TrivagoBaselinesTest {

    private static ClickoutList lastList(List<TrivagoRow> rows) {
        List<ClickoutList> lists = ReplayedLists.replay(rows, 0).lists();
        return lists.get(lists.size() - 1);
    }

    @Test
    void theRulePutsTheLastTouchedHotelFirstThenOtherTouchedOnesThenDisplayOrder() {
        ClickoutList list = lastList(List.of(
                touch("s1", 10, 1, SessionAction.INTERACTION_IMAGE, "D"),
                touch("s1", 20, 2, SessionAction.INTERACTION_IMAGE, "C"),
                clickout("s1", 30, 3, "C", "A", "B", "C", "D")));

        double[] scores = TrivagoBaselines.all(1).get(TrivagoBaselines.LAST_TOUCHED_RULE).score(list);

        assertThat(scores[2]).isGreaterThan(scores[3]);
        assertThat(scores[3]).isGreaterThan(scores[0]);
        assertThat(scores[0]).isGreaterThan(scores[1]);
    }

    @Test
    void cheapestFirstBreaksEqualPricesByDisplayOrder() {
        ClickoutList list = lastList(List.of(clickout("s1", 30, 1, "A", List.of("A", "B", "C"),
                List.of(90, 80, 80))));

        double[] scores = TrivagoBaselines.all(1).get(TrivagoBaselines.CHEAPEST).score(list);

        assertThat(scores[1]).isGreaterThan(scores[2]);
        assertThat(scores[2]).isGreaterThan(scores[0]);
    }

    @Test
    void touchedInSessionTiesEveryUntouchedHotel() {
        ClickoutList list = lastList(List.of(
                touch("s1", 10, 1, SessionAction.INTERACTION_DEALS, "B"),
                touch("s2", 10, 1, SessionAction.INTERACTION_DEALS, "C"),
                clickout("s1", 30, 2, "B", "A", "B", "C")));

        assertThat(TrivagoBaselines.all(1).get(TrivagoBaselines.TOUCHED).score(list)).containsExactly(0, 1, 0);
    }
}
