package io.recsys.jobs.features;

import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.VarLongs;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the feature job keeps of one user to match feedback with what was shown: the lists shown to the user (per
 * request, each item with when it was shown), when feedback of each type on each item last matched, and how much
 * feedback came in the current event-time minute. Requests and items are kept as 64-bit hashes of their ids: a
 * user's state is then a few numbers per impression, and a look-up needs the user's own request id anyway, so a
 * collision would have to be found among that user's own lists.
 */
final class UserExposure {

    private static final byte FORMAT = 1;
    private static final long MINUTE = 60_000L;

    /** The items one list showed, with when each was shown. */
    private static final class Shown {
        long[] items = new long[4];
        long[] times = new long[4];
        int size;

        void add(long item, long time) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
                times = Arrays.copyOf(times, size * 2);
            }
            items[size] = item;
            times[size++] = time;
        }

        long newest() {
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                newest = Math.max(newest, times[i]);
            }
            return newest;
        }
    }

    /** In the order the lists were first shown, so that the oldest goes first when there are too many. */
    private final LinkedHashMap<Long, Shown> lists = new LinkedHashMap<>();
    /** hash of (item, feedback type) → event time of the last matched feedback. */
    private final Map<Long, Long> lastMatched = new HashMap<>();
    private long newest = Long.MIN_VALUE;
    private long minute = Long.MIN_VALUE;
    private long feedbackInMinute;

    /** Records an impression; a new list beyond {@code maxLists} makes the oldest one forgotten. */
    void show(String requestId, String itemId, long time, int maxLists) {
        long request = hash(requestId);
        Shown shown = lists.get(request);
        if (shown == null) {
            if (lists.size() >= maxLists) {
                Iterator<Long> oldest = lists.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            shown = new Shown();
            lists.put(request, shown);
        }
        shown.add(hash(itemId), time);
        newest = Math.max(newest, time);
    }

    /** When list {@code requestId} showed {@code itemId} to this user, if it did, no later than {@code t}. */
    Long shownAt(String requestId, String itemId, long t) {
        Shown shown = lists.get(hash(requestId));
        if (shown == null) {
            return null;
        }
        long item = hash(itemId);
        Long at = null;
        for (int i = 0; i < shown.size; i++) {
            if (shown.items[i] == item && shown.times[i] <= t && (at == null || shown.times[i] > at)) {
                at = shown.times[i];
            }
        }
        return at;
    }

    /** Counts one more feedback event in its minute; false, and not counted, once the minute has {@code max}. */
    boolean admitFeedback(long time, int max) {
        newest = Math.max(newest, time);
        long m = Math.floorDiv(time, MINUTE);
        if (m != minute) {
            minute = m;
            feedbackInMinute = 0;
        }
        if (feedbackInMinute >= max) {
            return false;
        }
        feedbackInMinute++;
        return true;
    }

    /**
     * Feedback that answers a list: {@link Attribution#REPEATED} if feedback of its type on its item matched less
     * than {@code windowMillis} away, else {@link Attribution#MATCHED}, remembered.
     */
    Attribution matchOrRepeat(String itemId, EventType type, long time, long windowMillis) {
        long key = hash(itemId) * 31 + type.stateCode();
        Long before = lastMatched.get(key);
        if (before != null && Math.abs(time - before) < windowMillis) {
            return Attribution.REPEATED;
        }
        lastMatched.put(key, time);
        return Attribution.MATCHED;
    }

    /** Forgets lists and matches older than {@code cutoff}: nothing can answer or repeat them any more. */
    void forgetBefore(long cutoff) {
        for (Iterator<Shown> it = lists.values().iterator(); it.hasNext(); ) {
            if (it.next().newest() < cutoff) {
                it.remove();
            }
        }
        lastMatched.values().removeIf(time -> time < cutoff);
    }

    /** The event time of the newest impression or feedback seen. */
    long newest() {
        return newest;
    }

    byte[] encode() {
        int items = 0;
        for (Shown shown : lists.values()) {
            items += shown.size;
        }
        ByteBuffer out = ByteBuffer.allocate(1 + 4 * VarLongs.MAX_BYTES
                + lists.size() * (8 + VarLongs.MAX_BYTES) + items * (8 + VarLongs.MAX_BYTES)
                + lastMatched.size() * (8 + VarLongs.MAX_BYTES));
        out.put(FORMAT);
        out.putLong(newest);
        out.putLong(minute);
        VarLongs.write(out, feedbackInMinute);
        VarLongs.write(out, lists.size());
        for (Map.Entry<Long, Shown> list : lists.entrySet()) {
            out.putLong(list.getKey());
            Shown shown = list.getValue();
            VarLongs.write(out, shown.size);
            for (int i = 0; i < shown.size; i++) {
                out.putLong(shown.items[i]);
                VarLongs.write(out, newest - shown.times[i]);
            }
        }
        VarLongs.write(out, lastMatched.size());
        for (Map.Entry<Long, Long> match : lastMatched.entrySet()) {
            out.putLong(match.getKey());
            VarLongs.write(out, newest - match.getValue());
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /** @param encoded a value of {@link #encode}, or null for a user never seen */
    static UserExposure decode(byte[] encoded) {
        UserExposure exposure = new UserExposure();
        if (encoded == null) {
            return exposure;
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        byte format = in.get();
        if (format != FORMAT) {
            throw new IllegalStateException("user exposure state in format " + format + ", this job reads " + FORMAT);
        }
        exposure.newest = in.getLong();
        exposure.minute = in.getLong();
        exposure.feedbackInMinute = VarLongs.read(in);
        long lists = VarLongs.read(in);
        for (long l = 0; l < lists; l++) {
            Shown shown = new Shown();
            exposure.lists.put(in.getLong(), shown);
            long size = VarLongs.read(in);
            for (long i = 0; i < size; i++) {
                shown.add(in.getLong(), exposure.newest - VarLongs.read(in));
            }
        }
        long matches = VarLongs.read(in);
        for (long m = 0; m < matches; m++) {
            exposure.lastMatched.put(in.getLong(), exposure.newest - VarLongs.read(in));
        }
        return exposure;
    }

    /** 64-bit FNV-1a over the id's characters. */
    private static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
