package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateEventsHarnessTest {

    @Test
    void shouldSendEveryInvalidRecordToTheDeadLettersWithItsReasonAndTheRawText() throws Exception {
        Event valid = Event.impression("e1", "r1", "u1", "i1", 1, "home", "m1", "A", 1_700_000_000_000L);
        try (OneInputStreamOperatorTestHarness<String, Event> harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ValidateEvents(EventTimePolicy.DEFAULT)))) {
            harness.open();
            harness.processElement(EventCodec.encode(valid), 0);
            harness.processElement("[1,2]", 0);
            harness.processElement(EventCodec.encode(valid).replace("\"position\":1", "\"position\":0"), 0);
            harness.processElement(EventCodec.encode(valid).replace("2023-", "2999-"), 0);

            assertThat(harness.extractOutputValues()).containsExactly(valid);
            assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS))
                    .extracting(r -> r.getValue().reason())
                    .containsExactly("malformed_json", "invalid_field", "time_out_of_range");
            assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS))
                    .extracting(r -> r.getValue().raw()).contains("[1,2]");
        }
    }
}
