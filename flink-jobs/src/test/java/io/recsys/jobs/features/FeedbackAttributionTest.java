package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FeedbackAttributionTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final long T = 1_700_000_000_000L;

    private static Event shown(String request, String user, String item, long ts) {
        return Event.impression("i-" + request + item + ts, request, user, item, 1, "home", null, null, ts);
    }

    private static Event click(String id, String request, String user, String item, long ts) {
        return Event.feedback(id, EventType.CLICK, request, user, item, ts);
    }

    @Test
    void feedbackMatchesOnlyAListShownToItsUserAndCountsOncePerUserItemAndTypeWithinTheWindow() {
        List<Event> log = List.of(
                click("early", "r1", "u1", "i2", T + 500), // before its list in the log, after it in time
                shown("r1", "u1", "i1", T),
                shown("r1", "u1", "i2", T),
                click("first", "r1", "u1", "i1", T + 1_000),
                click("again", "r1", "u1", "i1", T + 2_000),
                click("stranger", "r1", "u2", "i1", T + 1_000),
                click("no-request", null, "u1", "i1", T + 1_000),
                click("late", "r1", "u1", "i1", T + REGISTRY.feedbackAttributionWindow().toMillis() + 1));

        assertThat(FeedbackAttribution.of(log, REGISTRY)).containsExactly(Attribution.MATCHED, Attribution.SHOWN,
                Attribution.SHOWN, Attribution.MATCHED, Attribution.REPEATED, Attribution.UNMATCHED,
                Attribution.UNMATCHED, Attribution.UNMATCHED);
        assertThat(FeedbackAttribution.countedFor(EntityType.ITEM, log, REGISTRY)).extracting(Event::eventId)
                .containsExactly("early", "i-r1i1" + T, "i-r1i2" + T, "first");
        assertThat(FeedbackAttribution.countedFor(EntityType.USER, log, REGISTRY)).extracting(Event::eventId)
                .containsExactly("early", "i-r1i1" + T, "i-r1i2" + T, "first", "stranger", "no-request", "late");
    }

    @Test
    void aUsersFeedbackBeyondTheBoundPerMinuteCountsNowhere() {
        List<Event> log = new ArrayList<>();
        int bound = REGISTRY.maxFeedbackPerUserMinute();
        long minute = T - T % 60_000;
        for (int i = 0; i <= bound; i++) {
            log.add(click("c" + i, null, "bot", "i" + i, minute + i));
        }

        List<Attribution> attributions = FeedbackAttribution.of(log, REGISTRY);
        assertThat(attributions.subList(0, bound)).containsOnly(Attribution.UNMATCHED);
        assertThat(attributions.get(bound)).isNull();
        assertThat(FeedbackAttribution.countedFor(EntityType.USER, log, REGISTRY)).hasSize(bound);
    }

    @Test
    void feedbackOnAListPushedOutByTheUsersNewerListsIsUnmatched() {
        List<Event> log = new ArrayList<>();
        for (int list = 0; list <= REGISTRY.maxListsPerUser(); list++) {
            log.add(shown("r" + list, "u1", "i1", T + list));
        }
        log.add(click("oldest", "r0", "u1", "i1", T + 5_000));
        log.add(click("kept", "r1", "u1", "i1", T + 5_000));

        List<Attribution> attributions = FeedbackAttribution.of(log, REGISTRY);
        assertThat(attributions.subList(log.size() - 2, log.size()))
                .containsExactly(Attribution.UNMATCHED, Attribution.MATCHED);
    }
}
