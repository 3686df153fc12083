package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class CumulativeCounterHarnessTest {

    private static final long SECOND = 1_000;
    private static final long BEGINNING = 1_000_000;
    private static final Delta IMPRESSION = new Delta(1, 0, 0, 0, 0, 1.0);
    private static final Delta CLICK = new Delta(0, 1, 0, 0, 0, 0.0);
    private static final Duration USER_STATE_TTL = Duration.ofDays(30);

    private KeyedOneInputStreamOperatorTestHarness<String, CountedEvent, FeatureRow> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CumulativeCounter(3_600_000, USER_STATE_TTL),
                CountedEvent::stateKey, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void process(long ts, Delta delta) throws Exception {
        harness.processElement(new CountedEvent(EntityType.ITEM, "i1", ts, delta), ts);
    }

    @Test
    void shouldEmitTheCumulativeRowOfEachInOrderEventImmediately() throws Exception {
        process(BEGINNING, IMPRESSION);
        process(BEGINNING, IMPRESSION);
        process(BEGINNING + SECOND, CLICK);

        assertThat(harness.extractOutputValues())
                .extracting(FeatureRow::ts, r -> r.counters().impressions(), r -> r.counters().clicks())
                .containsExactly(tuple(BEGINNING, 1L, 0L), tuple(BEGINNING, 2L, 0L),
                        tuple(BEGINNING + SECOND, 2L, 1L));
    }

    @Test
    void shouldAddAnOutOfOrderEventToTheNewestRowAtOnceAndRewriteStaleRowsWhenTheWatermarkPasses()
            throws Exception {
        process(BEGINNING, IMPRESSION);
        process(BEGINNING + 2 * SECOND, IMPRESSION);
        process(BEGINNING + SECOND, CLICK);

        List<FeatureRow> rows = harness.extractOutputValues();
        assertThat(rows.get(2).ts()).isEqualTo(BEGINNING + 2 * SECOND);
        assertThat(rows.get(2).counters().clicks()).as("newest row includes the late-arriving click").isEqualTo(1);

        harness.processWatermark(BEGINNING + 5 * SECOND);

        List<FeatureRow> rewritten = harness.extractOutputValues().subList(3, harness.extractOutputValues().size());
        assertThat(rewritten).extracting(FeatureRow::ts, r -> r.counters().impressions(), r -> r.counters().clicks())
                .containsExactly(tuple(BEGINNING + SECOND, 1L, 1L));
    }

    @Test
    void shouldForgetPendingInstantsAndTimersOnceTheWatermarkPassesThem() throws Exception {
        process(BEGINNING, IMPRESSION);
        process(BEGINNING + 3 * SECOND, IMPRESSION);
        process(BEGINNING + SECOND, CLICK);
        harness.processWatermark(BEGINNING + 10 * SECOND);

        // base and head stay: they are the entity's running totals; pending instants and the stale range go
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isZero();

        process(BEGINNING + 11 * SECOND, CLICK);
        assertThat(harness.extractOutputValues().get(harness.extractOutputValues().size() - 1).counters())
                .extracting(c -> c.impressions(), c -> c.clicks()).containsExactly(2L, 2L);
    }

    @Test
    void shouldForgetAUserAfterTheStateTtlAndStartANewSeriesWhenTheyReturn() throws Exception {
        harness.setStateTtlProcessingTime(0);
        harness.processElement(new CountedEvent(EntityType.USER, "u1", BEGINNING, CLICK), BEGINNING);
        harness.processElement(new CountedEvent(EntityType.ITEM, "i1", BEGINNING, CLICK), BEGINNING);
        harness.processWatermark(BEGINNING + 10 * SECOND);

        harness.setStateTtlProcessingTime(USER_STATE_TTL.toMillis() + 1);
        long back = BEGINNING + USER_STATE_TTL.toMillis() + SECOND;
        harness.processElement(new CountedEvent(EntityType.USER, "u1", back, CLICK), back);
        harness.processElement(new CountedEvent(EntityType.ITEM, "i1", back, CLICK), back);

        List<FeatureRow> rows = harness.extractOutputValues();
        FeatureRow user = rows.get(rows.size() - 2);
        FeatureRow item = rows.get(rows.size() - 1);
        assertThat(user.counters()).as("the user's counters started again")
                .extracting(c -> c.clicks(), c -> c.firstSeen()).containsExactly(1L, back);
        assertThat(item.counters()).as("item state does not expire")
                .extracting(c -> c.clicks(), c -> c.firstSeen()).containsExactly(2L, BEGINNING);
    }

    @Test
    void shouldCountButNotApplyAnEventBehindTheFoldedBase() throws Exception {
        process(BEGINNING + 5 * SECOND, IMPRESSION);
        harness.processWatermark(BEGINNING + 10 * SECOND);
        int before = harness.extractOutputValues().size();

        process(BEGINNING, CLICK);

        assertThat(harness.extractOutputValues()).hasSize(before);
    }
}
