package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ChangeFeed} that watches what passes through it: counts the writes newer than any it saw before
 * ({@code recsys_feature_writes_seen_total}) and remembers the users written most recently, the users with activity
 * right now that the page offers as quick picks. It asks nothing of the store beyond what the feed it wraps asks.
 */
public final class RecentWrites implements ChangeFeed {

    private final ChangeFeed feed;
    private final ApiMetrics metrics;
    private final int usersKept;
    /** User id → when it was last written; in the order those writes were seen, oldest first. */
    private final LinkedHashMap<String, Long> users = new LinkedHashMap<>();
    private long newestSeen = Long.MIN_VALUE;

    public RecentWrites(ChangeFeed feed, ApiMetrics metrics, int usersKept) {
        this.feed = feed;
        this.metrics = metrics;
        this.usersKept = usersKept;
    }

    @Override
    public Map<EntityKey, Long> writtenSince(long writtenAtOrAfter) {
        Map<EntityKey, Long> written = feed.writtenSince(writtenAtOrAfter);
        watch(written);
        return written;
    }

    synchronized void watch(Map<EntityKey, Long> written) {
        long newestBefore = newestSeen;
        long newer = 0;
        List<Map.Entry<EntityKey, Long>> userWrites = new ArrayList<>();
        for (Map.Entry<EntityKey, Long> write : written.entrySet()) {
            newestSeen = Math.max(newestSeen, write.getValue());
            if (write.getValue() > newestBefore) {
                newer++;
            }
            if (write.getKey().type() == EntityType.USER) {
                userWrites.add(write);
            }
        }
        // the first look reaches minutes back: what it finds arrived before the API looked, not at that rate
        if (newestBefore != Long.MIN_VALUE) {
            metrics.featureWritesSeen.inc(newer);
        }
        userWrites.sort(Map.Entry.comparingByValue());
        for (Map.Entry<EntityKey, Long> write : userWrites) {
            Long known = users.get(write.getKey().id());
            if (known == null || write.getValue() > known) {
                users.remove(write.getKey().id());
                users.put(write.getKey().id(), write.getValue());
            }
        }
        for (Iterator<String> oldest = users.keySet().iterator(); users.size() > usersKept; ) {
            oldest.next();
            oldest.remove();
        }
    }

    /** The users whose writes were seen most recently, newest first, each with when it was written. */
    public synchronized List<Map.Entry<String, Long>> recentUsers() {
        List<Map.Entry<String, Long>> newestFirst = new ArrayList<>(users.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue())).toList());
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }
}
