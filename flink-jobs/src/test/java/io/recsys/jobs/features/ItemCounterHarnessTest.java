package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ItemCounterHarnessTest {

    private static final long T = 1_000_000;

    private KeyedTwoInputStreamOperatorTestHarness<String, AttributedEvent, ItemAttributes, StoreRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        // one event per batch: every event is applied (and its head emitted) as it arrives
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new ItemCounter(FeatureRegistry.load(), 50, 1),
                attributed -> attributed.event().itemId(), ItemAttributes::itemId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static Event impression(String eventId, String item, long ts) {
        return Event.impression(eventId, "r1", "u1", item, 1, "home", null, null, ts);
    }

    /** Impressions as shown, feedback as matched: what counts everywhere. */
    private void process(Event event) throws Exception {
        process(event, event.type().isFeedback() ? Attribution.MATCHED : Attribution.SHOWN);
    }

    private void process(Event event, Attribution attribution) throws Exception {
        harness.processElement1(new AttributedEvent(event, attribution), event.eventTime());
    }

    private List<FeatureRow> heads() {
        return harness.extractOutputValues().stream().map(StoreRecord::head).filter(Objects::nonNull).toList();
    }

    private List<CategorizedEvent> counted() {
        return harness.getSideOutput(ItemCounter.COUNTED).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void shouldCountEachItemAndPassEveryEventOnOnceWithItsCategory() throws Exception {
        harness.processElement2(new ItemAttributes("i1", "sports", "tennis"), 0);
        process(impression("e1", "i1", T));
        process(Event.feedback("e2", EventType.CLICK, "r1", "u1", "i1", T + 1));
        process(impression("e3", "i2", T + 2));

        assertThat(heads())
                .extracting(FeatureRow::entityId, FeatureRow::ts, r -> r.counters().impressions(),
                        r -> r.counters().clicks())
                .containsExactly(tuple("i1", T, 1L, 0L), tuple("i1", T + 1, 1L, 1L), tuple("i2", T + 2, 1L, 0L));
        assertThat(counted()).extracting(c -> c.event().eventId(), CategorizedEvent::category)
                .containsExactly(tuple("e1", "sports"), tuple("e2", "sports"), tuple("e3", null));
    }

    @Test
    void shouldPassUnmatchedFeedbackOnWithItsCategoryWithoutCountingItForTheItemAndStillRefuseItsCopy()
            throws Exception {
        harness.processElement2(new ItemAttributes("i1", "sports", "tennis"), 0);
        process(impression("e1", "i1", T));
        process(Event.feedback("e2", EventType.CLICK, null, "stranger", "i1", T + 1), Attribution.UNMATCHED);
        process(Event.feedback("e3", EventType.CLICK, "r1", "u1", "i1", T + 2), Attribution.REPEATED);
        process(Event.feedback("e2", EventType.CLICK, null, "stranger", "i1", T + 1), Attribution.UNMATCHED);

        assertThat(heads()).extracting(r -> r.counters().clicks()).containsOnly(0L);
        assertThat(counted()).extracting(c -> c.event().eventId(), CategorizedEvent::category,
                        CategorizedEvent::attribution)
                .containsExactly(tuple("e1", "sports", Attribution.SHOWN),
                        tuple("e2", "sports", Attribution.UNMATCHED), tuple("e3", "sports", Attribution.REPEATED));
        assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS)).extracting(r -> r.getValue().reason())
                .containsExactly("duplicate");
    }

    @Test
    void shouldDeadLetterACopyOfAnEventAndCountItOnce() throws Exception {
        process(impression("e1", "i1", T));
        process(impression("e2", "i1", T));
        process(impression("e1", "i1", T));
        process(impression("e3", "i1", T + 5));
        // a copy arriving after a later instant of the same item was counted
        process(impression("e2", "i1", T));

        assertThat(counted()).extracting(c -> c.event().eventId()).containsExactly("e1", "e2", "e3");
        assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS))
                .extracting(r -> r.getValue().reason()).containsExactly("duplicate", "duplicate");
        List<FeatureRow> rows = heads();
        assertThat(rows.get(rows.size() - 1).counters().impressions()).isEqualTo(3);
    }

    @Test
    void shouldCountTheSameIdForAnotherItemAsAnotherEvent() throws Exception {
        process(impression("e1", "i1", T));
        process(impression("e1", "i2", T));

        assertThat(counted()).hasSize(2);
        assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS)).isNull();
    }

    @Test
    void shouldForgetCountedIdsOnceTheWatermarkPassesTheirTime() throws Exception {
        harness.processElement2(new ItemAttributes("i1", "sports", "tennis"), 0);
        process(impression("e1", "i1", T));
        process(impression("e2", "i1", T + 3_000));
        harness.processWatermark1(new Watermark(T + 1_000));
        harness.processWatermark2(new Watermark(Long.MAX_VALUE));

        // the instant at T (and the id counted at it) is gone, T + 3 s is not: a copy of e1 is now late upstream
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        process(impression("e2", "i1", T + 3_000));
        assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS)).hasSize(1);
        harness.processWatermark1(new Watermark(T + 5_000));
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.prepareSnapshotPreBarrier(1); // a checkpoint writes the counters held on the heap to state
        assertThat(harness.numKeyedStateEntries()).as("one value per item, its category kept").isEqualTo(1);
        process(impression("e4", "i1", T + 6_000));
        assertThat(counted()).last().extracting(CategorizedEvent::category).isEqualTo("sports");
    }

    @Test
    void shouldRecogniseACopyWithinOneBatch() throws Exception {
        harness.close();
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new ItemCounter(FeatureRegistry.load(), 50, 100),
                attributed -> attributed.event().itemId(), ItemAttributes::itemId, Types.STRING);
        harness.open();
        process(impression("e1", "i1", T));
        process(impression("e1", "i1", T));
        process(impression("e2", "i2", T));
        harness.processWatermark1(new Watermark(T - 1));
        harness.processWatermark2(new Watermark(Long.MAX_VALUE));

        assertThat(counted()).extracting(c -> c.event().eventId()).containsExactly("e1", "e2");
        assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS)).hasSize(1);
        assertThat(heads()).extracting(FeatureRow::entityId, r -> r.counters().impressions())
                .containsExactly(tuple("i1", 1L), tuple("i2", 1L));
    }

    @Test
    void shouldWriteTheItemsFinalSegmentOnceTheWatermarkPassesItsBucket() throws Exception {
        process(impression("e1", "i1", T));
        process(impression("e2", "i1", T + 2_000));
        process(Event.feedback("e3", EventType.CLICK, "r1", "u1", "i1", T + 1_000));
        harness.processWatermark1(new Watermark(T + 5_000));
        harness.processWatermark2(new Watermark(Long.MAX_VALUE));

        List<FeatureSegment> segments = harness.extractOutputValues().stream().map(StoreRecord::segment)
                .filter(Objects::nonNull).toList();
        assertThat(segments).flatExtracting(FeatureSegment::rows)
                .extracting(FeatureRow::ts, r -> r.counters().impressions(), r -> r.counters().clicks())
                .containsExactly(tuple(T, 1L, 0L), tuple(T + 1_000, 1L, 1L), tuple(T + 2_000, 2L, 1L));
    }
}
