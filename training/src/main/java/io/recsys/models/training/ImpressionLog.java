package io.recsys.models.training;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Labels from the event log: impressions grouped by request, each labelled clicked when a click carries the same
 * request id and item. Clicks without a request id cannot be attributed to a list and label nothing.
 */
public final class ImpressionLog {

    private ImpressionLog() {
    }

    /** Groups with an impression time in [from, until), ordered by time. */
    public static List<ImpressionGroup> groups(List<Event> events, long from, long until) {
        Set<String> clicks = new HashSet<>();
        for (Event event : events) {
            if (event.type() == EventType.CLICK && event.requestId() != null) {
                clicks.add(event.requestId() + '\u0000' + event.itemId());
            }
        }
        Map<String, List<Event>> byRequest = new LinkedHashMap<>();
        for (Event event : events) {
            if (event.type() == EventType.IMPRESSION && event.eventTime() >= from && event.eventTime() < until) {
                byRequest.computeIfAbsent(event.requestId(), r -> new ArrayList<>()).add(event);
            }
        }
        List<ImpressionGroup> groups = new ArrayList<>(byRequest.size());
        for (Map.Entry<String, List<Event>> request : byRequest.entrySet()) {
            List<Event> shown = request.getValue();
            shown.sort(Comparator.comparingInt(Event::position));
            List<String> items = new ArrayList<>(shown.size());
            boolean[] clicked = new boolean[shown.size()];
            for (int i = 0; i < shown.size(); i++) {
                items.add(shown.get(i).itemId());
                clicked[i] = clicks.contains(request.getKey() + '\u0000' + shown.get(i).itemId());
            }
            Event first = shown.get(0);
            groups.add(new ImpressionGroup(request.getKey(), first.userId(), first.eventTime(), items, clicked));
        }
        groups.sort(Comparator.comparingLong(ImpressionGroup::time));
        return groups;
    }

    /**
     * The explored heads of the lists shown in [from, until): request id → the logged propensity of positions 1, 2,
     * … as far as they carry one (the API's exploration shuffles a list's head and logs each head impression's
     * propensity). Lists shown without exploration are absent.
     */
    public static Map<String, double[]> exploredHeads(List<Event> events, long from, long until) {
        Map<String, Map<Integer, Double>> byRequest = new LinkedHashMap<>();
        for (Event event : events) {
            if (event.type() == EventType.IMPRESSION && event.propensity() != null && event.eventTime() >= from
                    && event.eventTime() < until) {
                byRequest.computeIfAbsent(event.requestId(), r -> new java.util.HashMap<>())
                        .put(event.position(), event.propensity());
            }
        }
        Map<String, double[]> heads = new LinkedHashMap<>();
        byRequest.forEach((request, byPosition) -> {
            int m = 0;
            while (byPosition.containsKey(m + 1)) {
                m++;
            }
            if (m > 0) {
                double[] head = new double[m];
                for (int p = 0; p < m; p++) {
                    head[p] = byPosition.get(p + 1);
                }
                heads.put(request, head);
            }
        });
        return heads;
    }
}
