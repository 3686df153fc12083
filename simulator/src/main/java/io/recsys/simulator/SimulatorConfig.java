package io.recsys.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * @param start        event time of the first request, epoch ms
 * @param requestGap   event-time gap between consecutive requests in {@link Simulator#history}
 * @param trendSpan    items peak at a random time within this span after start
 * @param tasteShiftAt from this event time on (epoch ms) every user's category tastes and every item's appeal
 *                     are drawn afresh: a taste shift a model trained before it has not seen; {@link #NO_SHIFT} keeps them all along
 */
public record SimulatorConfig(long seed, int users, int items, int categories, int listSize, long start,
                              Duration requestGap, Duration trendSpan, long tasteShiftAt) {

    /** The users' tastes never change. */
    public static final long NO_SHIFT = Long.MAX_VALUE;

    /** Tastes that never change. */
    public SimulatorConfig(long seed, int users, int items, int categories, int listSize, long start,
                           Duration requestGap, Duration trendSpan) {
        this(seed, users, items, categories, listSize, start, requestGap, trendSpan, NO_SHIFT);
    }

    public static SimulatorConfig small(long seed) {
        return new SimulatorConfig(seed, 50, 200, 8, 10, Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(),
                Duration.ofSeconds(30), Duration.ofDays(2));
    }

    public SimulatorConfig withUsersAndItems(int users, int items) {
        return new SimulatorConfig(seed, users, items, categories, listSize, start, requestGap, trendSpan,
                tasteShiftAt);
    }

    public SimulatorConfig withRequestGap(Duration gap) {
        return new SimulatorConfig(seed, users, items, categories, listSize, start, gap, trendSpan, tasteShiftAt);
    }

    public SimulatorConfig withStart(long newStart) {
        return new SimulatorConfig(seed, users, items, categories, listSize, newStart, requestGap, trendSpan,
                tasteShiftAt);
    }

    /** The users' tastes shift at event time {@code at} (epoch ms). */
    public SimulatorConfig withTasteShiftAt(long at) {
        return new SimulatorConfig(seed, users, items, categories, listSize, start, requestGap, trendSpan, at);
    }
}
