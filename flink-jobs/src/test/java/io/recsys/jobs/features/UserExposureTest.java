package io.recsys.jobs.features;

import io.recsys.schema.event.EventType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserExposureTest {

    private static final long T = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    @Test
    void whatWasShownAndMatchedSurvivesEncodingAndDecoding() {
        UserExposure exposure = new UserExposure();
        for (int item = 0; item < 23; item++) { // odd sizes: the arrays grow past their first capacity
            exposure.show("r1", "i" + item, T + item, 100);
        }
        exposure.show("r2", "i1", T + 5_000, 100);
        exposure.admitFeedback(T + 6_000, 10);
        exposure.matchOrRepeat("i1", EventType.CLICK, T + 6_000, HOUR);

        UserExposure decoded = UserExposure.decode(exposure.encode());

        assertThat(decoded.shownAt("r1", "i22", T + 60_000)).isEqualTo(T + 22);
        assertThat(decoded.shownAt("r1", "i22", T + 21)).as("shown after the feedback").isNull();
        assertThat(decoded.shownAt("r2", "i1", T + 60_000)).isEqualTo(T + 5_000);
        assertThat(decoded.shownAt("r2", "i2", T + 60_000)).isNull();
        assertThat(decoded.shownAt("r3", "i1", T + 60_000)).isNull();
        assertThat(decoded.matchOrRepeat("i1", EventType.CLICK, T + 7_000, HOUR)).isEqualTo(Attribution.REPEATED);
        assertThat(decoded.matchOrRepeat("i1", EventType.VIEW, T + 7_000, HOUR)).isEqualTo(Attribution.MATCHED);
        assertThat(decoded.newest()).isEqualTo(T + 6_000);
        assertThat(UserExposure.decode(null).shownAt("r1", "i1", T)).isNull();
    }

    @Test
    void aListBeyondTheMostRecentOnesIsForgottenOldestFirst() {
        UserExposure exposure = new UserExposure();
        for (int list = 0; list < 4; list++) {
            exposure.show("r" + list, "i1", T + list, 3);
        }
        exposure.show("r3", "i2", T + 10, 3); // an existing list grows without pushing another out

        assertThat(exposure.shownAt("r0", "i1", T + 60_000)).isNull();
        assertThat(exposure.shownAt("r1", "i1", T + 60_000)).isEqualTo(T + 1);
        assertThat(UserExposure.decode(exposure.encode()).shownAt("r3", "i2", T + 60_000)).isEqualTo(T + 10);
    }

    @Test
    void forgettingDropsListsAndMatchesOlderThanTheCutoffOnly() {
        UserExposure exposure = new UserExposure();
        exposure.show("old", "i1", T, 100);
        exposure.show("new", "i1", T + 2 * HOUR, 100);
        exposure.matchOrRepeat("i1", EventType.CLICK, T + 1_000, HOUR);

        exposure.forgetBefore(T + HOUR);

        assertThat(exposure.shownAt("old", "i1", T + 3 * HOUR)).isNull();
        assertThat(exposure.shownAt("new", "i1", T + 3 * HOUR)).isEqualTo(T + 2 * HOUR);
        assertThat(exposure.matchOrRepeat("i1", EventType.CLICK, T + 1_500, HOUR)).isEqualTo(Attribution.MATCHED);
    }

    @Test
    void feedbackBeyondTheBoundOfAMinuteIsNotAdmittedAndTheNextMinuteStartsAgain() {
        UserExposure exposure = UserExposure.decode(new UserExposure().encode());
        long minute = T - T % 60_000;

        assertThat(exposure.admitFeedback(minute, 2)).isTrue();
        assertThat(exposure.admitFeedback(minute + 1, 2)).isTrue();
        assertThat(exposure.admitFeedback(minute + 2, 2)).isFalse();
        assertThat(exposure.admitFeedback(minute + 60_000, 2)).isTrue();
    }
}
