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

    @Test
    void aListRankedElsewhereGetsReactionsThatAnswerItsRequest() {
        Simulator simulator = new Simulator(SimulatorConfig.small(6));
        List<String> best = simulator.catalogue().stream().limit(10).map(item -> item.itemId()).toList();
        int clicks = 0;
        for (int r = 0; r < 2_000; r++) {
            List<Event> reactions = simulator.reactions("api-" + r, "u7", best, 1_000_000L);
            for (Event reaction : reactions) {
                assertThat(reaction.requestId()).isEqualTo("api-" + r);
                assertThat(reaction.userId()).isEqualTo("u7");
                assertThat(best).contains(reaction.itemId());
                assertThat(reaction.eventTime()).isGreaterThan(1_000_000L);
            }
            clicks += (int) reactions.stream().filter(e -> e.type() == EventType.CLICK).count();
        }
        assertThat(clicks).as("a user clicks some of what is shown").isPositive();
    }

    @Test
    void usersAndItemsTheSimulatorDidNotMakeGetNoReaction() {
        Simulator simulator = new Simulator(SimulatorConfig.small(6));

        assertThat(simulator.reactions("r", "someone-else", List.of("i1"), 0)).isEmpty();
        for (int r = 0; r < 500; r++) {
            assertThat(simulator.reactions("r" + r, "u1", List.of("x1", "i999999", "i0"), 0)).isEmpty();
        }
    }
}
