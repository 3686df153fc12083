package io.recsys.jobs.features;

import io.recsys.jobs.testing.StateFixtures;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The feedback matcher ({@code uid: match-feedback}) restores from the state a released version wrote: the lists a
 * user was shown still answer their feedback, and feedback already counted is still known, by type (the state holds
 * {@link EventType#stateCode}s), so a restore neither loses matches nor counts a click twice. How the fixture is
 * written: {@link StateFixtures}.
 */
class FeedbackMatcherSavepointTest {

    private static final String UID = "match-feedback";
    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final long T = 1_573_603_200_000L; // 2019-11-13T00:00:00Z

    @Test
    void shouldAnswerFeedbackWithTheListsAndMatchesTheReleaseWrote() throws Exception {
        try (var harness = newHarness()) {
            harness.initializeState(StateFixtures.read(UID));
            harness.open();
            harness.processElement(feedback("f3", EventType.CLICK, "i1", T + 10_000), T + 10_000);
            harness.processElement(feedback("f4", EventType.VIEW, "i2", T + 11_000), T + 11_000);
            harness.processElement(feedback("f5", EventType.VIEW, "i1", T + 12_000), T + 12_000);
            harness.processElement(feedback("f6", EventType.CLICK, "i2", T + 13_000), T + 13_000);

            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.event().eventId(), AttributedEvent::attribution)
                    .as("what the release counted is repeated; the other type on the same items is matched")
                    .containsExactly(tuple("f3", Attribution.REPEATED), tuple("f4", Attribution.REPEATED),
                            tuple("f5", Attribution.MATCHED), tuple("f6", Attribution.MATCHED));
        }
    }

    /** Writes the fixture; run only by the command in {@link StateFixtures}. */
    @Test
    @EnabledIfSystemProperty(named = StateFixtures.WRITE_PROPERTY, matches = "true")
    void writeTheFixture() throws Exception {
        try (var harness = newHarness()) {
            harness.open();
            harness.processWatermark(new Watermark(T - 60_000));
            harness.processElement(Event.impression("s1", "r1", "u1", "i1", 1, "home", null, null, T), T);
            harness.processElement(Event.impression("s2", "r1", "u1", "i2", 2, "home", null, null, T), T);
            harness.processElement(feedback("f1", EventType.CLICK, "i1", T + 1_000), T + 1_000);
            harness.processElement(feedback("f2", EventType.VIEW, "i2", T + 2_000), T + 2_000);
            assertThat(harness.extractOutputValues()).extracting(AttributedEvent::attribution)
                    .containsExactly(Attribution.SHOWN, Attribution.SHOWN, Attribution.MATCHED, Attribution.MATCHED);
            harness.prepareSnapshotPreBarrier(1); // the users held decoded go to state
            StateFixtures.write(UID, harness.snapshot(1, T + 2_000));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, AttributedEvent> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new FeedbackMatcher(REGISTRY), Event::userId,
                Types.STRING);
    }

    private static Event feedback(String id, EventType type, String item, long ts) {
        return Event.feedback(id, type, "r1", "u1", item, ts);
    }
}
