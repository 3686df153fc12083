package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class CumulativeCounterHarnessTest {

    private static final long SECOND = 1_000;
    private static final long BEGINNING = 1_000_000;
    private static final Delta IMPRESSION = new Delta(1, 0, 0, 0, 0, 1.0);
    private static final Delta CLICK = new Delta(0, 1, 0, 0, 0, 0.0);
    private static final Duration USER_STATE_TTL = Duration.ofDays(30);

    private KeyedOneInputStreamOperatorTestHarness<String, CountedEvent, StoreRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        // one event per batch: every event is applied (and its head emitted) as it arrives
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new CumulativeCounter(3_600_000, USER_STATE_TTL, 50, 1),
                CountedEvent::stateKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void process(long ts, Delta delta) throws Exception {
        harness.processElement(new CountedEvent(EntityType.ITEM, "i1", ts, delta), ts);
    }

    private List<FeatureRow> heads() {
        return harness.extractOutputValues().stream().map(StoreRecord::head).filter(Objects::nonNull).toList();
    }

    private List<FeatureSegment> segments() {
        return harness.extractOutputValues().stream().map(StoreRecord::segment).filter(Objects::nonNull).toList();
    }

    @Test
    void shouldEmitTheHeadOfEachEventImmediately() throws Exception {
        process(BEGINNING, IMPRESSION);
        process(BEGINNING, IMPRESSION);
        process(BEGINNING + SECOND, CLICK);

        assertThat(heads())
                .extracting(FeatureRow::ts, r -> r.counters().impressions(), r -> r.counters().clicks())
                .containsExactly(tuple(BEGINNING, 1L, 0L), tuple(BEGINNING, 2L, 0L),
                        tuple(BEGINNING + SECOND, 2L, 1L));
    }

    @Test
    void shouldAddAnOutOfOrderEventToTheHeadAtOnceAndWriteExactSegmentsWhenTheWatermarkPasses() throws Exception {
        process(BEGINNING, IMPRESSION);
        process(BEGINNING + 2 * SECOND + 5, IMPRESSION);
        process(BEGINNING + SECOND, CLICK);
        process(BEGINNING + 7, IMPRESSION);

        assertThat(heads().get(2)).extracting(FeatureRow::ts, r -> r.counters().clicks())
                .as("the head includes the late-arriving click").containsExactly(BEGINNING + 2 * SECOND + 5, 1L);
        assertThat(segments()).as("nothing is final before the watermark passes a bucket").isEmpty();

        harness.processWatermark(BEGINNING + 2 * SECOND);
        assertThat(segments()).as("one segment per bucket the watermark passed, each instant exact")
                .extracting(FeatureSegment::bucketStart, segment -> segment.rows().stream()
                        .map(r -> r.ts() - BEGINNING + ":" + r.counters().impressions() + "/" + r.counters().clicks())
                        .toList())
                .containsExactly(tuple(BEGINNING, List.of("0:1/0", "7:2/0")),
                        tuple(BEGINNING + SECOND, List.of("1000:2/1")));

        harness.processWatermark(BEGINNING + 3 * SECOND);
        assertThat(segments()).last().extracting(segment -> segment.rows().get(0).counters().impressions())
                .isEqualTo(3L);
    }

    @Test
    void shouldForgetPendingInstantsAndTimersOnceTheWatermarkPassesThem() throws Exception {
        process(BEGINNING, IMPRESSION);
        process(BEGINNING + 3 * SECOND, IMPRESSION);
        process(BEGINNING + SECOND, CLICK);
        harness.processWatermark(BEGINNING + 10 * SECOND);
        harness.prepareSnapshotPreBarrier(1); // a checkpoint writes the counters held on the heap to state

        assertThat(harness.numKeyedStateEntries()).as("one value per entity").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isZero();

        process(BEGINNING + 11 * SECOND, CLICK);
        assertThat(heads().get(heads().size() - 1).counters())
                .extracting(c -> c.impressions(), c -> c.clicks()).containsExactly(2L, 2L);
    }

    @Test
    void shouldForgetAUserAfterTheStateTtlAndStartANewSeriesWhenTheyReturn() throws Exception {
        harness.setStateTtlProcessingTime(0);
        harness.processElement(new CountedEvent(EntityType.USER, "u1", BEGINNING, CLICK), BEGINNING);
        harness.processElement(new CountedEvent(EntityType.ITEM, "i1", BEGINNING, CLICK), BEGINNING);
        harness.processWatermark(BEGINNING + 10 * SECOND);
        harness.prepareSnapshotPreBarrier(1); // checkpoints come every few seconds; the TTL counts from the write
        harness.prepareSnapshotPreBarrier(2); // and the heap lets go of what no checkpoint interval used

        harness.setStateTtlProcessingTime(USER_STATE_TTL.toMillis() + 1);
        long back = BEGINNING + USER_STATE_TTL.toMillis() + SECOND;
        harness.processElement(new CountedEvent(EntityType.USER, "u1", back, CLICK), back);
        harness.processElement(new CountedEvent(EntityType.ITEM, "i1", back, CLICK), back);

        List<FeatureRow> rows = heads();
        FeatureRow user = rows.get(rows.size() - 2);
        FeatureRow item = rows.get(rows.size() - 1);
        assertThat(user.counters()).as("the user's counters started again")
                .extracting(c -> c.clicks(), c -> c.firstSeen()).containsExactly(1L, back);
        assertThat(item.counters()).as("item state does not expire")
                .extracting(c -> c.clicks(), c -> c.firstSeen()).containsExactly(2L, BEGINNING);
    }

    @Test
    void shouldApplyABatchPerEntityAndEmitOneHeadPerEntity() throws Exception {
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new CumulativeCounter(3_600_000, USER_STATE_TTL, 50, 1_000), CountedEvent::stateKey, Types.STRING);
        harness.open();
        process(BEGINNING, IMPRESSION);
        process(BEGINNING + 1, CLICK);
        harness.processElement(new CountedEvent(EntityType.USER, "u1", BEGINNING, CLICK), BEGINNING);
        process(BEGINNING + 2, IMPRESSION);
        assertThat(harness.extractOutputValues()).as("held until the batch is applied").isEmpty();

        harness.setProcessingTime(50);

        assertThat(heads()).extracting(FeatureRow::entityId, FeatureRow::ts, r -> r.counters().impressions(),
                        r -> r.counters().clicks())
                .containsExactly(tuple("i1", BEGINNING + 2, 2L, 1L), tuple("u1", BEGINNING, 0L, 1L));
        harness.processWatermark(BEGINNING + 5 * SECOND);
        assertThat(segments()).flatExtracting(FeatureSegment::rows).extracting(FeatureRow::ts)
                .containsExactlyInAnyOrder(BEGINNING, BEGINNING + 1, BEGINNING + 2, BEGINNING);
    }

    @Test
    void shouldCountButNotApplyAnEventBehindTheFoldedBase() throws Exception {
        process(BEGINNING + 5 * SECOND, IMPRESSION);
        harness.processWatermark(BEGINNING + 10 * SECOND);
        int before = harness.extractOutputValues().size();

        process(BEGINNING, CLICK);

        assertThat(harness.extractOutputValues()).hasSize(before);
    }

    @Test
    void shouldContinueExactlyAfterARestoreFromACheckpointTakenWhileCountersWereOnTheHeap() throws Exception {
        List<FeatureSegment> uninterrupted = runAcrossARestore(false);
        List<FeatureSegment> restored = runAcrossARestore(true);

        assertThat(restored).usingRecursiveFieldByFieldElementComparator().isEqualTo(uninterrupted);
        assertThat(restored).extracting(FeatureSegment::entityId).contains("i1", "u1");
    }

    /** Events for two entities over four seconds; optionally checkpoints after the second and restores from it. */
    private List<FeatureSegment> runAcrossARestore(boolean restore) throws Exception {
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new CumulativeCounter(3_600_000, USER_STATE_TTL, 50, 1),
                CountedEvent::stateKey, Types.STRING);
        harness.open();
        List<FeatureSegment> segments = new ArrayList<>();
        for (int second = 0; second < 4; second++) {
            long ts = BEGINNING + second * SECOND + 3;
            process(ts, IMPRESSION);
            process(ts + 1, second % 2 == 0 ? CLICK : IMPRESSION);
            harness.processElement(new CountedEvent(EntityType.USER, "u1", ts, CLICK), ts);
            harness.processWatermark(ts - SECOND / 2);
            if (restore && second == 1) {
                harness.prepareSnapshotPreBarrier(1);
                OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
                segments.addAll(segments());
                harness.close();
                harness = new KeyedOneInputStreamOperatorTestHarness<>(
                        new CumulativeCounter(3_600_000, USER_STATE_TTL, 50, 1), CountedEvent::stateKey, Types.STRING);
                harness.initializeState(checkpoint);
                harness.open();
            }
        }
        harness.processWatermark(Long.MAX_VALUE);
        segments.addAll(segments());
        return segments;
    }
}
