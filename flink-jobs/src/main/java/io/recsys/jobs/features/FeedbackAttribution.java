package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link FeedbackMatcher}'s rule applied to a whole log at once, for whoever needs to know in advance what the job
 * will count: a replay checking the store's totals, a test's brute-force truth, a demo waiting for its history.
 * Each user's events are taken in log order, the order of that user's partition (every producer keys events by
 * user); a list may come after feedback on it, as the matcher waits for the watermark. One difference is left: the
 * matcher decides such early feedback when the watermark passes it, after the user's later feedback, so if a later
 * one repeats it, the later one is the one that counts there. Lists are logged before they are served, so feedback
 * comes after its list unless a producer mislabels times.
 */
public final class FeedbackAttribution {

    private FeedbackAttribution() {
    }

    /** The attribution of each event of {@code log}, by position; null where it is dead-lettered for its rate. */
    public static List<Attribution> of(List<Event> log, FeatureRegistry registry) {
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
        // each user's lists in the order first shown; those pushed out by newer ones answer nothing any more
        Map<String, LinkedHashSet<String>> recentLists = new HashMap<>();
        Set<String> forgotten = new HashSet<>();
        List<Attribution> attributions = new ArrayList<>(log.size());
        for (Event e : log) {
            if (!e.type().isFeedback()) {
                LinkedHashSet<String> lists = recentLists.computeIfAbsent(e.userId(), u -> new LinkedHashSet<>());
                if (lists.add(e.requestId()) && lists.size() > registry.maxListsPerUser()) {
                    String oldest = lists.iterator().next();
                    lists.remove(oldest);
                    forgotten.add(e.userId() + "|" + oldest);
                }
                attributions.add(Attribution.SHOWN);
                continue;
            }
            String minute = e.userId() + "|" + Math.floorDiv(e.eventTime(), 60_000L);
            if (feedbackPerMinute.merge(minute, 1, Integer::sum) > registry.maxFeedbackPerUserMinute()) {
                attributions.add(null);
                continue;
            }
            long t = e.eventTime();
            boolean answersAList = e.requestId() != null && !forgotten.contains(e.userId() + "|" + e.requestId())
                    && shown
                    .getOrDefault(e.requestId() + "|" + e.userId() + "|" + e.itemId(), List.of()).stream()
                    .anyMatch(at -> at <= t && t - at <= window);
            String pair = e.userId() + "|" + e.itemId() + "|" + e.type();
            Long before = lastMatched.get(pair);
            if (!answersAList) {
                attributions.add(Attribution.UNMATCHED);
            } else if (before != null && Math.abs(t - before) < window) {
                attributions.add(Attribution.REPEATED);
            } else {
                lastMatched.put(pair, t);
                attributions.add(Attribution.MATCHED);
            }
        }
        return attributions;
    }

    /** The events of {@code log} that count in the features of {@code entity}. */
    public static List<Event> countedFor(EntityType entity, List<Event> log, FeatureRegistry registry) {
        List<Attribution> attributions = of(log, registry);
        List<Event> counted = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            Attribution attribution = attributions.get(i);
            if (attribution != null && attribution.countsFor(entity, registry.unmatchedFeedbackCountsFor())) {
                counted.add(log.get(i));
            }
        }
        return counted;
    }
}
