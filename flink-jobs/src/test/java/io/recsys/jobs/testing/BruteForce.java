package io.recsys.jobs.testing;

import io.recsys.jobs.features.Attribution;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Counts straight from an event log: the reference every windowed feature is checked against. */
public final class BruteForce {

    private final List<Event> log;

    public BruteForce(List<Event> log) {
        this.log = log;
    }

    /**
     * The events of {@code log} that count in {@code entity}'s features under the job's feedback rule, written out
     * plainly: feedback counts for exposure-dependent entities only if the list its request id names showed its
     * item to its user within the attribution window before it, once per user, item and type within that window;
     * a user's feedback beyond the bound per event-time minute counts nowhere. Each user's events are taken in log
     * order, the order of that user's partition (every producer keys events by user).
     */
    public static BruteForce countedFor(EntityType entity, List<Event> log, FeatureRegistry registry) {
        long window = registry.feedbackAttributionWindow().toMillis();
        Map<String, List<Long>> shown = new HashMap<>();
        for (Event e : log) {
            if (e.type() == EventType.IMPRESSION) {
                shown.computeIfAbsent(e.requestId() + "|" + e.userId() + "|" + e.itemId(), k -> new ArrayList<>())
                        .add(e.eventTime());
            }
        }
        Map<String, Long> lastMatched = new HashMap<>();
        Map<String, Integer> feedbackPerMinute = new HashMap<>();
        List<Event> counted = new ArrayList<>();
        for (Event e : log) {
            Attribution attribution = Attribution.SHOWN;
            if (e.type().isFeedback()) {
                String minute = e.userId() + "|" + Math.floorDiv(e.eventTime(), 60_000L);
                if (feedbackPerMinute.merge(minute, 1, Integer::sum) > registry.maxFeedbackPerUserMinute()) {
                    continue;
                }
                long t = e.eventTime();
                boolean answersAList = e.requestId() != null && shown
                        .getOrDefault(e.requestId() + "|" + e.userId() + "|" + e.itemId(), List.of()).stream()
                        .anyMatch(at -> at <= t && t - at <= window);
                String pair = e.userId() + "|" + e.itemId() + "|" + e.type();
                Long before = lastMatched.get(pair);
                if (!answersAList) {
                    attribution = Attribution.UNMATCHED;
                } else if (before != null && Math.abs(t - before) < window) {
                    attribution = Attribution.REPEATED;
                } else {
                    lastMatched.put(pair, t);
                    attribution = Attribution.MATCHED;
                }
            }
            if (attribution.countsFor(entity, registry.unmatchedFeedbackCountsFor())) {
                counted.add(e);
            }
        }
        return new BruteForce(counted);
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
