package io.recsys.schema.event;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Which event times are plausible. Historic replays are legitimate, so the lower bound is a fixed floor rather
 * than "now minus something"; the upper bound allows for client clock skew.
 */
public record EventTimePolicy(Instant earliest, Duration maxFutureSkew) implements Serializable {

    public static final EventTimePolicy DEFAULT =
            new EventTimePolicy(Instant.parse("1990-01-01T00:00:00Z"), Duration.ofMinutes(5));

    /** @return null when acceptable, otherwise why not */
    public String check(long eventTimeMillis, Clock clock) {
        if (eventTimeMillis < earliest.toEpochMilli()) {
            return "event_time " + Instant.ofEpochMilli(eventTimeMillis) + " is before " + earliest;
        }
        long latest = clock.millis() + maxFutureSkew.toMillis();
        if (eventTimeMillis > latest) {
            return "event_time " + Instant.ofEpochMilli(eventTimeMillis) + " is more than " + maxFutureSkew
                    + " in the future";
        }
        return null;
    }
}
