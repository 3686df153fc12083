package io.recsys.simulator;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import io.recsys.schema.event.EventType;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorTest {

    @Test
    void sameSeedGivesTheSameEvents() {
        assertThat(new Simulator(SimulatorConfig.small(3)).history(50))
                .isEqualTo(new Simulator(SimulatorConfig.small(3)).history(50));
    }

    @Test
    void everyEventPassesValidationAndHistoryIsTimeOrdered() {
        List<Event> events = new Simulator(SimulatorConfig.small(4)).history(200);
        for (Event event : events) {
            assertThat(EventCodec.decode(EventCodec.encode(event), EventTimePolicy.DEFAULT, Clock.systemUTC()).event())
                    .isEqualTo(event);
        }
        assertThat(events).isSortedAccordingTo(java.util.Comparator.comparingLong(Event::eventTime));
    }

    @Test
    void topPositionsAreClickedMoreOftenThanLowerOnes() {
        List<Event> events = new Simulator(SimulatorConfig.small(5)).history(3_000);
        long top = events.stream().filter(e -> e.type() == EventType.CLICK && e.eventId().endsWith("-c1")).count();
        long tenth = events.stream().filter(e -> e.type() == EventType.CLICK && e.eventId().endsWith("-c10")).count();
        assertThat(top).isGreaterThan(2 * tenth);
    }
}
