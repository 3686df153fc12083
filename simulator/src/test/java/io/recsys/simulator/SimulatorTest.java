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

    @Test
    void aTasteShiftChangesWhichCategoriesEachUserClicksFromItsTimeOn() {
        SimulatorConfig config = SimulatorConfig.small(8);
        long shift = config.start() + 3_600_000;
        Simulator shifting = new Simulator(config.withTasteShiftAt(shift));
        Simulator steady = new Simulator(config);
        List<io.recsys.schema.event.ItemAttributes> catalogue = steady.catalogue();

        int favouriteChanged = 0;
        double before = 0;
        double after = 0;
        for (int u = 0; u < config.users(); u++) {
            String user = Simulator.userId(u);
            for (io.recsys.schema.event.ItemAttributes item : catalogue) {
                assertThat(shifting.clickProbability(user, item.itemId(), 1, shift - 1))
                        .as("before the shift a user is the same user").isEqualTo(
                                steady.clickProbability(user, item.itemId(), 1, shift - 1));
            }
            String favouriteBefore = favouriteCategory(shifting, user, catalogue, shift - 1);
            String favouriteAfter = favouriteCategory(shifting, user, catalogue, shift);
            if (!favouriteBefore.equals(favouriteAfter)) {
                favouriteChanged++;
            }
            // what the favourite of before the shift gets clicked, before and after
            before += categoryClicks(shifting, user, catalogue, favouriteBefore, shift - 1);
            after += categoryClicks(shifting, user, catalogue, favouriteBefore, shift);
            assertThat(favouriteCategory(steady, user, catalogue, shift)).isEqualTo(favouriteBefore);
        }
        assertThat(favouriteChanged).as("users whose favourite category changed, of %d", config.users())
                .isGreaterThan(config.users() * 2 / 3);
        assertThat(after).as("clicks on the old favourites after the shift against before").isLessThan(before / 2);
    }

    @Test
    void aShiftingSimulatorIsDeterministicAndTheSameAsASteadyOneBeforeTheShift() {
        SimulatorConfig config = SimulatorConfig.small(9);
        long shift = config.start() + 100 * config.requestGap().toMillis();
        List<Event> shifting = new Simulator(config.withTasteShiftAt(shift)).history(200);
        assertThat(shifting).isEqualTo(new Simulator(config.withTasteShiftAt(shift)).history(200));
        List<Event> steady = new Simulator(config).history(200);
        assertThat(shifting.stream().filter(e -> e.eventTime() < shift).toList())
                .isEqualTo(steady.stream().filter(e -> e.eventTime() < shift).toList());
    }

    /** The category whose items the user would click most at the top position, summed over its items. */
    private static String favouriteCategory(Simulator simulator, String user,
                                            List<io.recsys.schema.event.ItemAttributes> catalogue, long time) {
        return catalogue.stream().map(io.recsys.schema.event.ItemAttributes::category).distinct()
                .max(java.util.Comparator.comparingDouble(c -> categoryClicks(simulator, user, catalogue, c, time)))
                .orElseThrow();
    }

    private static double categoryClicks(Simulator simulator, String user,
                                         List<io.recsys.schema.event.ItemAttributes> catalogue, String category,
                                         long time) {
        return catalogue.stream().filter(item -> item.category().equals(category))
                .mapToDouble(item -> simulator.clickProbability(user, item.itemId(), 1, time)).sum();
    }
}
