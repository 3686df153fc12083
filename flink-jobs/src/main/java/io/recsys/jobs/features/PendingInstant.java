package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;

import java.util.Arrays;

/**
 * What the events of one entity at one instant, not yet behind the watermark, added to its counters, and the ids of
 * those events when the entity checks for copies (an empty array when it does not).
 */
public record PendingInstant(Delta delta, String[] eventIds) {

    static final String[] NO_IDS = new String[0];

    boolean contains(String eventId) {
        for (String id : eventIds) {
            if (id.equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    PendingInstant plus(Delta more, String eventId) {
        String[] ids = eventIds;
        if (eventId != null) {
            ids = Arrays.copyOf(eventIds, eventIds.length + 1);
            ids[eventIds.length] = eventId;
        }
        return new PendingInstant(delta.plus(more), ids);
    }

    static PendingInstant of(Delta delta, String eventId) {
        return new PendingInstant(delta, eventId == null ? NO_IDS : new String[]{eventId});
    }
}
