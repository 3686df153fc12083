package io.recsys.jobs.features;

import io.recsys.jobs.testing.StateFixtures;
import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The cumulative counters ({@code uid: cumulative-counters}) restore from the state a released version wrote: each
 * entity's counters come back under its own key and its series goes on. A change to the state key
 * ({@link CountedEvent#stateKey}, {@link EntityType#stateCode}), to the state's names or to the value's byte layout
 * would lose every entity's counters, or give them to another entity, on the next savepoint upgrade; here it fails.
 * How the fixture is written: {@link StateFixtures}.
 */
class CumulativeCounterSavepointTest {

    private static final String UID = "cumulative-counters";
    private static final long SECOND = 1_000;
    private static final long BEGINNING = 1_573_603_200_000L; // 2019-11-13T00:00:00Z
    private static final Delta IMPRESSION = new Delta(1, 0, 0, 0, 0, 1.0);
    private static final Delta CLICK = new Delta(0, 1, 0, 0, 0, 0.0);
    private static final Duration USER_STATE_TTL = Duration.ofDays(30);

    private static final EntityKey USER = EntityKey.user("u1");
    private static final EntityKey USER_CATEGORY = new EntityKey(EntityType.USER_CATEGORY,
            "u1" + EntityKey.COMPOSITE_SEPARATOR + "sports");
    private static final EntityKey GLOBAL = EntityKey.GLOBAL;

    /** What the fixture's state holds: every entity type this operator keys, each with counts of its own. */
    private static final List<CountedEvent> HISTORY = List.of(
            event(USER, 0, IMPRESSION), event(USER, 1, IMPRESSION), event(USER, 2, CLICK),
            event(USER_CATEGORY, 2, CLICK),
            event(GLOBAL, 0, IMPRESSION), event(GLOBAL, 0, IMPRESSION), event(GLOBAL, 1, IMPRESSION),
            event(GLOBAL, 2, CLICK));

    @Test
    void shouldGoOnCountingEveryEntityFromTheStateTheReleaseWrote() throws Exception {
        try (var harness = newHarness()) {
            harness.initializeState(StateFixtures.read(UID));
            harness.open();
            for (EntityKey entity : List.of(USER, USER_CATEGORY, GLOBAL)) {
                harness.processElement(event(entity, 10, IMPRESSION), BEGINNING + 10 * SECOND);
            }

            List<FeatureRow> heads = harness.extractOutputValues().stream().map(StoreRecord::head)
                    .filter(Objects::nonNull).toList();
            assertThat(heads).as("one head per entity, its counts the fixture's plus the new impression")
                    .extracting(FeatureRow::key, row -> row.counters().impressions(), row -> row.counters().clicks(),
                            row -> row.counters().firstSeen())
                    .containsExactlyInAnyOrder(
                            tuple(USER, 3L, 1L, BEGINNING),
                            tuple(USER_CATEGORY, 1L, 1L, BEGINNING + 2 * SECOND),
                            tuple(GLOBAL, 4L, 1L, BEGINNING));
        }
    }

    /** Writes the fixture; run only by the command in {@link StateFixtures}. */
    @Test
    @EnabledIfSystemProperty(named = StateFixtures.WRITE_PROPERTY, matches = "true")
    void writeTheFixture() throws Exception {
        try (var harness = newHarness()) {
            harness.open();
            for (CountedEvent event : HISTORY) {
                harness.processElement(event, event.ts());
            }
            harness.processWatermark(BEGINNING + 5 * SECOND); // every instant final: the state holds counters only
            harness.prepareSnapshotPreBarrier(1); // the counters held on the heap go to state
            StateFixtures.write(UID, harness.snapshot(1, BEGINNING + 5 * SECOND));
            assertThat(harness.numKeyedStateEntries()).as("one value per entity").isEqualTo(3);
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CountedEvent, StoreRecord> newHarness()
            throws Exception {
        // as the job builds it: one event per batch here, so every event's head is emitted as it arrives
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new CumulativeCounter(6 * 3_600_000, USER_STATE_TTL, 50, 1), CountedEvent::stateKey, Types.STRING);
    }

    private static CountedEvent event(EntityKey entity, int second, Delta delta) {
        return new CountedEvent(entity.type(), entity.id(), BEGINNING + second * SECOND, delta);
    }
}
