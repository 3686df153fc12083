package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DropLateEventsHarnessTest {

    private static Event impressionAt(long ts) {
        return Event.impression("e" + ts, "r1", "u1", "i1", 1, "home", null, null, ts);
    }

    @Test
    void shouldPassEventsAheadOfTheWatermarkAndDeadLetterThoseAtOrBehindIt() throws Exception {
        try (OneInputStreamOperatorTestHarness<Event, Event> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DropLateEvents()))) {
            harness.open();
            harness.processWatermark(1_000);
            harness.processElement(impressionAt(1_001), 1_001);
            harness.processElement(impressionAt(1_000), 1_000);
            harness.processElement(impressionAt(10), 10);

            assertThat(harness.extractOutputValues()).extracting(Event::eventTime).containsExactly(1_001L);
            assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS))
                    .extracting(r -> r.getValue().reason()).containsExactly("late", "late");
        }
    }
}
