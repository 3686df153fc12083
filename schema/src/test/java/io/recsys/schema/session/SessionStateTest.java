package io.recsys.schema.session;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The session and list features' state, as a keyed operator would drive it: actions in, time passed in. */
class SessionStateTest {

    @Test
    void aHistoryCountsTouchesAndClickoutsPerHotelAndHowLongAgoTheLastWas() {
        InteractionHistory session = new InteractionHistory();
        session.record(SessionAction.INTERACTION_IMAGE, "A", 100);
        session.record(SessionAction.INTERACTION_IMAGE, "A", 110);
        session.record(SessionAction.CLICKOUT, "B", 130);
        session.record(SessionAction.FILTER_SELECTION, "Pool", 140);

        assertThat(session.touches("A")).isEqualTo(2);
        assertThat(session.clickouts("B")).isEqualTo(1);
        assertThat(session.clickouts("A")).isZero();
        assertThat(session.timeSinceLastTouch("A", 150)).isEqualTo(40);
        assertThat(session.actionsSinceLastTouch("A")).as("A, then B, then the filter").isEqualTo(3);
        assertThat(session.actionsSinceLastTouch("B")).isEqualTo(2);
        assertThat(session.isLastTouched("B")).as("a filter touches no hotel").isTrue();
        assertThat(session.filterSelections()).isEqualTo(1);
    }

    @Test
    void aHistoryRemembersTheListsItWasShownAndItsLatestClickout() {
        InteractionHistory session = new InteractionHistory();
        session.recordShown(List.of("A", "B", "C"));
        session.record(SessionAction.CLICKOUT, "B", 100);
        session.recordShown(List.of("C", "A"));
        session.record(SessionAction.CLICKOUT, "C", 160);
        session.record(SessionAction.INTERACTION_IMAGE, "A", 170);

        assertThat(session.timesShown("A")).isEqualTo(2);
        assertThat(session.lastShownPosition("A")).isEqualTo(2);
        assertThat(session.lastShownPosition("D")).isNaN();
        assertThat(session.isLastClickout("C")).isTrue();
        assertThat(session.isLastClickout("B")).isFalse();
        assertThat(session.isLastTouched("A")).isTrue();
        assertThat(session.timeSinceLastAction(200)).isEqualTo(30);
        assertThat(new InteractionHistory().timeSinceLastAction(200)).isNaN();
    }

    @Test
    void anUntouchedHotelHasNoRecency() {
        InteractionHistory session = new InteractionHistory();
        session.record(SessionAction.SEARCH_DESTINATION, "Berlin", 100);
        session.record(SessionAction.SORT_CHANGE, "price only", 101);

        assertThat(session.touches("A")).isZero();
        assertThat(session.timeSinceLastTouch("A", 200)).isNaN();
        assertThat(session.actionsSinceLastTouch("A")).isNaN();
        assertThat(session.lastTouched()).isNull();
        assertThat(session.searches()).isEqualTo(1);
        assertThat(session.sortChanges()).isEqualTo(1);
    }

    @Test
    void aHistorySurvivesJavaSerialisationAsKeyedStateWould() throws Exception {
        InteractionHistory session = new InteractionHistory();
        session.record(SessionAction.INTERACTION_INFO, "A", 100);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(session);
        }
        InteractionHistory copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (InteractionHistory) in.readObject();
        }

        assertThat(copy.touches("A")).isEqualTo(1);
        assertThat(copy.timeSinceLastTouch("A", 130)).isEqualTo(30);
    }

    @Test
    void aHotelClickedMoreThanItsPositionsExplainHasADebiasedCtrAboveOne() {
        ItemClicks topHotel = new ItemClicks();
        ItemClicks lowHotel = new ItemClicks();
        for (int i = 0; i < 40; i++) {
            topHotel.shown(0.2);
            lowHotel.shown(0.01);
        }
        for (int i = 0; i < 2; i++) {
            topHotel.clicked();
            lowHotel.clicked();
        }
        topHotel.interacted();

        assertThat(topHotel.ctr()).isEqualTo(lowHotel.ctr()).isCloseTo(3.0 / 60, within(1e-12));
        assertThat(topHotel.debiasedCtr()).isCloseTo(3.0 / 9, within(1e-12));
        assertThat(topHotel.copy().interactions()).isEqualTo(1);
        assertThat(lowHotel.debiasedCtr()).isCloseTo(3.0 / 1.4, within(1e-12));
    }

    @Test
    void positionClickRatesCountEveryShownPositionAndTheClickedOne() {
        PositionClickRates rates = new PositionClickRates();
        rates.record(3, 1);
        rates.record(2, -1);

        assertThat(rates.rate(1)).isCloseTo(2.0 / 22, within(1e-12));
        assertThat(rates.rate(3)).isCloseTo(1.0 / 21, within(1e-12));
        assertThat(rates.rate(40)).as("past 25 shares the last counter").isCloseTo(1.0 / 20, within(1e-12));
        assertThatThrownBy(() -> rates.rate(0)).hasMessageContaining("start at 1");
    }

    @Test
    void pricesRankFromTheCheapestWithTiesSharingTheirMeanRank() {
        List<Integer> prices = List.of(120, 80, 80, 200);

        assertThat(ListPrices.ranks(prices)).containsExactly(3, 1.5, 1.5, 4);
        assertThat(ListPrices.overMinimum(prices)).containsExactly(1.5, 1, 1, 2.5);
        assertThat(ListPrices.overMinimum(List.of(0, 10))).containsOnly(Double.NaN);
    }

    @Test
    void anUnknownActionNamesTheKnownOnes() {
        assertThat(SessionAction.fromLogName("clickout item")).isEqualTo(SessionAction.CLICKOUT);
        assertThatThrownBy(() -> SessionAction.fromLogName("click")).hasMessageContaining("clickout item");
    }
}
