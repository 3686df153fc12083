package io.recsys.jobs.testing;

import io.recsys.jobs.features.FeedbackAttribution;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;

import java.util.List;
import java.util.function.Predicate;

/** Counts straight from an event log: the reference every windowed feature is checked against. */
public final class BruteForce {

    private final List<Event> log;

    public BruteForce(List<Event> log) {
        this.log = log;
    }

    /** The events of {@code log} that count in {@code entity}'s features under the job's feedback rule. */
    public static BruteForce countedFor(EntityType entity, List<Event> log, FeatureRegistry registry) {
        return new BruteForce(FeedbackAttribution.countedFor(entity, log, registry));
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
