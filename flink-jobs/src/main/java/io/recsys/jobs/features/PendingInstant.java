package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;

import java.util.Arrays;

/**
 * What the events of one entity at one instant, not yet behind the watermark, added to its counters, and the
 * 64-bit hashes of those events' ids when the entity checks for copies (empty when it does not). A hash, not the
 * id, because the state of a hot entity holds thousands of instants; two ids of one item at one millisecond sharing a
 * hash is a chance of about one in 10^19.
 */
public record PendingInstant(Delta delta, long[] idHashes) {

    static final long[] NO_IDS = new long[0];

    boolean contains(String eventId) {
        long hash = hashOf(eventId);
        for (long id : idHashes) {
            if (id == hash) {
                return true;
            }
        }
        return false;
    }

    PendingInstant plus(Delta more, String eventId) {
        long[] ids = idHashes;
        if (eventId != null) {
            ids = Arrays.copyOf(idHashes, idHashes.length + 1);
            ids[idHashes.length] = hashOf(eventId);
        }
        return new PendingInstant(delta.plus(more), ids);
    }

    static PendingInstant of(Delta delta, String eventId) {
        return new PendingInstant(delta, eventId == null ? NO_IDS : new long[]{hashOf(eventId)});
    }

    /** 64-bit FNV-1a over the id's characters, finished with a mix (SplitMix64's) so close ids spread. */
    static long hashOf(String eventId) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < eventId.length(); i++) {
            hash ^= eventId.charAt(i);
            hash *= 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }
}
