package io.recsys.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * @param start       event time of the first request, epoch ms
 * @param requestGap  event-time gap between consecutive requests in {@link Simulator#history}
 * @param trendSpan   items peak at a random time within this span after start
 */
public record SimulatorConfig(long seed, int users, int items, int categories, int listSize, long start,
                              Duration requestGap, Duration trendSpan) {

    public static SimulatorConfig small(long seed) {
        return new SimulatorConfig(seed, 50, 200, 8, 10, Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(),
                Duration.ofSeconds(30), Duration.ofDays(2));
    }

    public SimulatorConfig withUsersAndItems(int users, int items) {
        return new SimulatorConfig(seed, users, items, categories, listSize, start, requestGap, trendSpan);
    }

    public SimulatorConfig withRequestGap(Duration gap) {
        return new SimulatorConfig(seed, users, items, categories, listSize, start, gap, trendSpan);
    }
}
