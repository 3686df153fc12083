package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class FeedbackMatcherHarnessTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final long T = 1_700_000_000_000L;
    private static final long WINDOW = REGISTRY.feedbackAttributionWindow().toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, Event, AttributedEvent> harness;
    private int ids;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new FeedbackMatcher(REGISTRY), Event::userId,
                Types.STRING);
        harness.open();
        harness.processWatermark(new Watermark(T - 60_000));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void show(String request, String user, String item, long ts) throws Exception {
        harness.processElement(Event.impression("i" + ids++, request, user, item, 1, "home", null, null, ts), ts);
    }

    private void give(EventType type, String request, String user, String item, long ts) throws Exception {
        harness.processElement(Event.feedback("f" + ids++, type, request, user, item, ts), ts);
    }

    private void click(String request, String user, String item, long ts) throws Exception {
        give(EventType.CLICK, request, user, item, ts);
    }

    private List<Attribution> feedbackVerdicts() {
        return harness.extractOutputValues().stream().filter(a -> a.event().type().isFeedback())
                .map(AttributedEvent::attribution).toList();
    }

    @Test
    void aClickOnAnItemItsOwnListShowedMatchesAndOnlyTheFirstPerRequestAndItemAndTypeCounts() throws Exception {
        show("r1", "u1", "i1", T);
        show("r1", "u1", "i2", T);
        click("r1", "u1", "i1", T + 1_000);
        click("r1", "u1", "i1", T + 2_000);
        give(EventType.VIEW, "r1", "u1", "i1", T + 3_000);
        click("r1", "u1", "i2", T + 4_000);

        assertThat(harness.extractOutputValues()).extracting(a -> a.event().type(), AttributedEvent::attribution)
                .containsExactly(tuple(EventType.IMPRESSION, Attribution.SHOWN),
                        tuple(EventType.IMPRESSION, Attribution.SHOWN),
                        tuple(EventType.CLICK, Attribution.MATCHED), tuple(EventType.CLICK, Attribution.REPEATED),
                        tuple(EventType.VIEW, Attribution.MATCHED), tuple(EventType.CLICK, Attribution.MATCHED));
    }

    @Test
    void feedbackThatAnswersNoListShownToItsUserIsUnmatched() throws Exception {
        show("r1", "u1", "i1", T);
        click(null, "u1", "i1", T + 1_000);             // names no request
        click("r1", "stranger", "i1", T + 1_000);       // another user's list
        click("r1", "u1", "i9", T + 1_000);             // an item the list did not hold
        click("r1", "u1", "i1", T - 1);                 // before the list was shown
        click("r1", "u1", "i1", T + WINDOW + 1);        // after the attribution window
        click("made-up", "u1", "i1", T + 1_000);        // a request that never was
        harness.processWatermark(new Watermark(T + WINDOW + 1));

        assertThat(feedbackVerdicts()).hasSize(6).containsOnly(Attribution.UNMATCHED);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aClickArrivingBeforeItsListWaitsForTheWatermarkAndThenMatches() throws Exception {
        click("r1", "u1", "i1", T + 1_000);
        assertThat(feedbackVerdicts()).as("nothing decided while the list may still come").isEmpty();

        show("r1", "u1", "i1", T);
        harness.processWatermark(new Watermark(T + 999));
        assertThat(feedbackVerdicts()).isEmpty();
        harness.processWatermark(new Watermark(T + 1_000));

        assertThat(feedbackVerdicts()).containsExactly(Attribution.MATCHED);
        assertThat(harness.extractOutputValues()).last().extracting(a -> a.event().eventTime()).isEqualTo(T + 1_000);
    }

    @Test
    void aClickWhoseListHasNotComeIsDecidedAfterTheOutOfOrdernessBoundOfProcessingTimeWithoutAWatermark()
            throws Exception {
        harness.setProcessingTime(0);
        click("r1", "u1", "i1", T + 1_000);
        show("r1", "u1", "i1", T);
        harness.setProcessingTime(REGISTRY.maxOutOfOrderness().toMillis() - 1);
        assertThat(feedbackVerdicts()).isEmpty();
        harness.setProcessingTime(REGISTRY.maxOutOfOrderness().toMillis());

        assertThat(feedbackVerdicts()).containsExactly(Attribution.MATCHED);
        harness.processWatermark(new Watermark(T + 1_000));
        assertThat(feedbackVerdicts()).as("decided once").hasSize(1);
    }

    @Test
    void aClickAfterARestoreAnswersAListShownBeforeTheCheckpointEvenThoughListsAreKeptOnTheHeap() throws Exception {
        show("r1", "u1", "i1", T);
        click("r1", "u1", "i1", T + 1_000);
        harness.prepareSnapshotPreBarrier(1); // a real job's barrier writes the users held on the heap to state
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(new FeedbackMatcher(REGISTRY), Event::userId,
                Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        click("r1", "u1", "i1", T + 2_000);
        give(EventType.VIEW, "r1", "u1", "i1", T + 3_000);

        assertThat(feedbackVerdicts()).containsExactly(Attribution.REPEATED, Attribution.MATCHED);
    }

    @Test
    void usersEvictedFromTheHeapKeepWhatTheyWereShown() throws Exception {
        show("r1", "u0", "i1", T);
        for (int u = 1; u <= FeedbackMatcher.CACHED_USERS; u++) {
            show("r" + u, "u" + u, "i1", T);
        }
        click("r1", "u0", "i1", T + 1_000);

        assertThat(feedbackVerdicts()).containsExactly(Attribution.MATCHED);
    }

    @Test
    void feedbackOnAListPushedOutByTheUsersNewerListsIsUnmatched() throws Exception {
        for (int list = 0; list <= REGISTRY.maxListsPerUser(); list++) {
            show("r" + list, "u1", "i1", T + list);
        }
        click("r0", "u1", "i1", T + 5_000);
        click("r1", "u1", "i1", T + 5_000);
        harness.processWatermark(new Watermark(T + 5_000));

        // the first waits for the watermark, as its list might still come
        assertThat(harness.extractOutputValues()).filteredOn(a -> a.event().type().isFeedback())
                .extracting(a -> a.event().requestId(), AttributedEvent::attribution)
                .containsExactly(tuple("r1", Attribution.MATCHED), tuple("r0", Attribution.UNMATCHED));
    }

    @Test
    void oneUserClickingOneItemAgainFromAnotherListWithinTheWindowCountsOnceAndAgainAfterIt() throws Exception {
        show("r1", "u1", "i1", T);
        show("r2", "u1", "i1", T + 10_000);
        show("r3", "u1", "i1", T + WINDOW + 5_000);
        click("r1", "u1", "i1", T + 1_000);
        click("r2", "u1", "i1", T + 11_000);
        click("r3", "u1", "i1", T + WINDOW + 6_000);

        assertThat(feedbackVerdicts()).containsExactly(Attribution.MATCHED, Attribution.REPEATED,
                Attribution.MATCHED);
    }

    @Test
    void feedbackBeyondTheUsersBoundPerMinuteIsDeadLetteredWithItsReasonAndTheNextMinuteCountsAgain()
            throws Exception {
        int bound = REGISTRY.maxFeedbackPerUserMinute();
        long minute = T - T % 60_000;
        for (int i = 0; i <= bound; i++) {
            click(null, "bot", "i" + i, minute + i);
        }
        click(null, "bot", "i0", minute + 60_000);
        click(null, "u1", "i0", minute + 10);

        assertThat(feedbackVerdicts()).hasSize(bound + 2);
        assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS)).singleElement()
                .satisfies(letter -> {
                    assertThat(letter.getValue().reason()).isEqualTo("feedback_rate");
                    assertThat(letter.getValue().raw()).contains("\"item_id\":\"i" + bound + "\"");
                });
    }
}
