package io.recsys.jobs.testing;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;

import java.util.List;
import java.util.function.Predicate;

/** Counts straight from an event log: the reference every windowed feature is checked against. */
public final class BruteForce {

    private final List<Event> log;

    public BruteForce(List<Event> log) {
        this.log = log;
    }

    /** Events of {@code type} matching {@code entity} with event time in [t - window, t). */
    public long count(Predicate<Event> entity, EventType type, long t, long windowMillis) {
        return log.stream()
                .filter(e -> e.type() == type && e.eventTime() >= t - windowMillis && e.eventTime() < t)
                .filter(entity)
                .count();
    }

    public static Predicate<Event> item(String id) {
        return e -> e.itemId().equals(id);
    }

    public static Predicate<Event> user(String id) {
        return e -> e.userId().equals(id);
    }
}
