package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateEventsHarnessTest {

    private final EventRecordDeserializer deserializer = new EventRecordDeserializer(EventTimePolicy.DEFAULT);

    @Test
    void shouldSendEveryInvalidRecordToTheDeadLettersWithItsReasonAndTheRawText() throws Exception {
        Event valid = Event.impression("e1", "r1", "u1", "i1", 1, "home", "m1", "A", 1_700_000_000_000L);
        try (OneInputStreamOperatorTestHarness<DecodedRecord, Event> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ValidateEvents()))) {
            harness.open();
            harness.processElement(deserializer.decode(EventCodec.encode(valid)), 0);
            harness.processElement(deserializer.decode("[1,2]"), 0);
            harness.processElement(deserializer.decode(
                    EventCodec.encode(valid).replace("\"position\":1", "\"position\":0")), 0);
            harness.processElement(deserializer.decode(EventCodec.encode(valid).replace("2023-", "2999-")), 0);

            assertThat(harness.extractOutputValues()).containsExactly(valid);
            assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS))
                    .extracting(r -> r.getValue().reason())
                    .containsExactly("malformed_json", "invalid_field", "time_out_of_range");
            assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS))
                    .extracting(r -> r.getValue().raw()).contains("[1,2]");
        }
    }
}
