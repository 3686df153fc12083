package io.recsys.api.serving;

import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.schema.feature.RowsAsOf;
import io.recsys.store.DerivedFeatures;
import io.recsys.store.OnlineStore;
import io.recsys.store.StoreUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Online feature reads for ranking, served from memory. An entity never read (or not read for
 * 3 × {@code maxAge}) is fetched in one batched store read on the request path; after that its values are held and
 * kept current off the request path by one background thread, which
 * <ul>
 *   <li>every {@code refreshAfter} asks its {@link ChangeFeed} (the store's {@link OnlineStore#writtenSince}, or the
 *       feature job's change topic) which entities had a row written since its last look and re-reads those it holds: a click reaches the served features within
 *       about one {@code refreshAfter} plus the read;</li>
 *   <li>re-reads, in batches, held entities older than {@code maxAge} once a request uses them: what changes
 *       without a new row (a window's start sliding past old events, decay, the global prior) lags by at most
 *       that.</li>
 * </ul>
 * With a change feed that carries the written heads (the feature job's change topic), a held item, user-category or
 * the global entity is derived again from the new head and the window starts it holds, without a read
 * ({@link #applyHeads}); it is re-read only once those window starts are older than {@code maxAge}, so a window's
 * start lags by at most that, as for an entity not written, while its end is current. Users are still re-read (their recent items are
 * not in a head).
 * Re-reading every held entity each {@code refreshAfter} instead cost more than the store can give on 2 cores once
 * a catalogue of 100k items is in use (docs/benchmarks.md). When the store fails, the request is served from what is
 * held and the registry's defaults for the rest, and says it is degraded; so does a request served entirely from
 * what is held once the store has not answered a look for a few refresh intervals, since its values are no longer
 * known to be current. Every read goes through the {@link StoreBreaker}: once the store is known to be down, reads
 * are skipped instead of each waiting for a connection.
 */
public final class LiveFeatures implements AutoCloseable {

    /**
     * The vectors of a request, in the order the entities were asked for, and whether any of them are defaults
     * standing in for a failed read.
     */
    public static final class Read {

        private final Held[] entries;
        private final String failure;

        private Read(Held[] entries, String failure) {
            this.entries = entries;
            this.failure = failure;
        }

        public FeatureVector vector(int i) {
            return entries[i].vector;
        }

        /**
         * A value computed from the {@code i}-th vector by {@code derive}, kept with the held vector until it is
         * replaced: the next read of the same vector returns it without computing it, or looking it up anywhere
         * else. A request derives its ranking values from hundreds of item vectors spread over the heap, and a
         * separate map of them cost a cache miss per item beside the one here. {@code key} (compared by identity)
         * tells derivations apart; a vector keeps the values of the last two keys, one per bundle in an A/B test.
         */
        @SuppressWarnings("unchecked")
        public <T> T derived(int i, Object key, Function<FeatureVector, T> derive) {
            Held entry = entries[i];
            Derived last = entry.derived;
            for (Derived d = last; d != null; d = d.earlier()) {
                if (d.key() == key) {
                    return (T) d.value();
                }
            }
            T value = derive.apply(entry.vector);
            entry.derived = new Derived(key, value, last == null ? null : new Derived(last.key(), last.value(), null));
            return value;
        }

        public boolean degraded() {
            return failure != null;
        }

        public String failure() {
            return failure;
        }
    }

    /**
     * The values of one entity, the rows they were derived from, and when those rows' window starts were read (a
     * newer head keeps them), and what readers derived from the values.
     */
    private static final class Held {
        private final FeatureVector vector;
        private final RowsAsOf rows;
        private final long readAt;
        /** Racing readers may both compute and set it; either value is right. */
        private volatile Derived derived;

        Held(FeatureVector vector, RowsAsOf rows, long readAt) {
            this.vector = vector;
            this.rows = rows;
            this.readAt = readAt;
        }
    }

    private record Derived(Object key, Object value, Derived earlier) {
    }

    /** Values older than this many {@code maxAge} are re-read on the request path, bounding staleness. */
    private static final int STALE_FACTOR = 3;
    private static final int MAX_HELD = 1_000_000;
    private static final int REFRESH_BATCH = 2_000;
    /**
     * How far before the newest write seen each look reaches: a writer stamps its rows before it commits them.
     * Both ends are the writer's clock, so clock skew between writer and API does not matter.
     */
    private static final long WRITE_LOOKBACK_MILLIS = 2_000;
    /** The first look reaches this far back on the API's clock, allowing for a writer's clock behind it. */
    private static final long FIRST_LOOK_BACK_MILLIS = 600_000;

    private final OnlineStore store;
    private final ChangeFeed changes;
    private final StoreBreaker breaker;
    private final FeatureDerivation derivation;
    private final ApiMetrics metrics;
    private final long refreshAfterMillis;
    private final long maxAgeMillis;
    private final Map<EntityKey, Held> held = new ConcurrentHashMap<>();
    private final Map<EntityKey, Boolean> stale = new ConcurrentHashMap<>();
    /** Writes already acted on, per entity, within the look-back: so one write is re-read once, not every look. */
    private final Map<EntityKey, Long> writesSeen = new HashMap<>();
    /** Item writes already announced to {@code onItemsWritten}, within the look-back. */
    private final Map<EntityKey, Long> itemWritesSeen = new HashMap<>();
    private final Runnable onItemsWritten;
    /** The global entity's newest rows, the prior of every item derived again from a head. */
    private volatile RowsAsOf global;
    /** Whether {@link #applyHeads} is fed: written entities derivable from a head need no re-read then. */
    private volatile boolean headsApplied;
    private long newestWrite = Long.MIN_VALUE;
    /** When the store last answered a look: held values are known current only while it keeps answering. */
    private volatile long lastLook = System.currentTimeMillis();
    private final long unconfirmedAfterMillis;
    private final ScheduledExecutorService refresher;

    /**
     * @param refreshAfter   how often the store is asked what was written: the delay before a change is served
     * @param maxAge         how old held values may get before a background re-read (for changes without a write)
     * @param onItemsWritten told (on the refresh thread) when a look finds item rows written that it had not seen
     */
    public LiveFeatures(OnlineStore store, StoreBreaker breaker, FeatureDerivation derivation, Duration refreshAfter,
                        Duration maxAge, ApiMetrics metrics, Runnable onItemsWritten) {
        this(store, store::writtenSince, breaker, derivation, refreshAfter, maxAge, metrics, onItemsWritten);
    }

    public LiveFeatures(OnlineStore store, ChangeFeed changes, StoreBreaker breaker, FeatureDerivation derivation,
                        Duration refreshAfter, Duration maxAge, ApiMetrics metrics, Runnable onItemsWritten) {
        this.store = store;
        this.changes = changes;
        this.breaker = breaker;
        this.onItemsWritten = onItemsWritten;
        this.derivation = derivation;
        this.metrics = metrics;
        this.refreshAfterMillis = refreshAfter.toMillis();
        this.maxAgeMillis = Math.max(maxAge.toMillis(), refreshAfterMillis);
        this.unconfirmedAfterMillis = Math.max(3_000, STALE_FACTOR * refreshAfterMillis);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "feature-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(50, refreshAfterMillis);
        refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    public Read read(List<EntityKey> entities) {
        Held[] entries = new Held[entities.size()];
        List<EntityKey> missing = new ArrayList<>();
        long now = System.currentTimeMillis();
        long oldestRead = now;
        for (int i = 0; i < entries.length; i++) {
            EntityKey entity = entities.get(i);
            Held entry = held.get(entity);
            if (entry == null || now - entry.readAt > maxAgeMillis * STALE_FACTOR) {
                missing.add(entity);
                continue;
            }
            entries[i] = entry;
            oldestRead = Math.min(oldestRead, entry.readAt);
            if (now - entry.readAt > maxAgeMillis) {
                stale.put(entity, Boolean.TRUE);
            }
        }
        // one observation per read, not per value: ~570 per request were a tenth of the API's CPU
        metrics.featureStaleness.observe((now - oldestRead) / 1000.0);
        metrics.cacheHits.inc(entities.size() - missing.size());
        metrics.cacheMisses.inc(missing.size());
        long silentFor = now - lastLook;
        if (missing.isEmpty()) {
            // held values may have changed in the store unseen if it stopped answering the looks
            return new Read(entries, silentFor > unconfirmedAfterMillis ? "feature store unavailable for "
                    + silentFor / 1000 + " s: serving the features held before"
                    + (breaker.skipping() ? "; reads " + breaker.skippedMessage() : "") : null);
        }
        Map<EntityKey, Held> fresh;
        String failure = null;
        try {
            fresh = hold(breaker.read(() -> store.readLatestWithRows(missing)), now);
        } catch (StoreUnavailableException e) {
            metrics.countError(ErrorKind.FEATURE_STORE);
            fresh = new HashMap<>();
            for (EntityKey entity : missing) {
                Held entry = held.get(entity);
                fresh.put(entity, entry != null ? entry
                        : new Held(derivation.defaults(entity, now), RowsAsOf.EMPTY, now));
            }
            failure = "feature store unavailable: " + e.getMessage();
        }
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] == null) {
                entries[i] = fresh.get(entities.get(i));
            }
        }
        return new Read(entries, failure);
    }

    private Map<EntityKey, Held> hold(Map<EntityKey, DerivedFeatures> read, long readAt) {
        if (held.size() > MAX_HELD) {
            // a crude bound on memory: forget everything and let requests re-read what they need
            held.clear();
        }
        Map<EntityKey, Held> entries = new HashMap<>();
        if (!read.isEmpty()) {
            RowsAsOf readGlobal = read.values().iterator().next().global(); // one read: the same rows for all
            updateGlobal(readGlobal.latest(), readGlobal);
        }
        read.forEach((entity, derived) -> {
            Held fresh = new Held(derived.vector(), derived.rows(), readAt);
            // a head applied while this read was under way is newer than what the read saw: keep it
            Held entry = held.merge(entity, fresh, (current, read1) ->
                    newer(current.rows.latest(), read1.rows.latest()) && derivesFromHead(entity)
                            ? withHead(entity, read1, current.rows.latest()) : read1);
            entries.put(entity, entry);
        });
        return entries;
    }

    /**
     * Updates held features from the heads a feature-store write committed (the change feed's messages): entities
     * whose features follow from a head are derived again at once, users are queued for a re-read. Safe to call
     * from the feed's thread while requests read.
     */
    public void applyHeads(List<FeatureRow> heads) {
        headsApplied = true;
        long now = System.currentTimeMillis();
        for (FeatureRow head : heads) {
            if (head.entityType() == EntityType.GLOBAL) {
                updateGlobal(head, null);
            }
        }
        int applied = 0;
        for (FeatureRow head : heads) {
            EntityKey entity = head.key();
            Held entry = held.get(entity);
            if (entry == null) {
                continue;
            }
            if (!derivesFromHead(entity)) {
                stale.put(entity, Boolean.TRUE);
                continue;
            }
            Held updated = held.computeIfPresent(entity, (key, current) ->
                    newer(head, current.rows.latest()) ? withHead(key, current, head) : current);
            if (updated != entry) {
                applied++;
            }
            if (updated != null && now - updated.readAt > maxAgeMillis) {
                stale.put(entity, Boolean.TRUE);
            }
        }
        metrics.featureHeadsApplied.inc(applied);
    }

    private boolean derivesFromHead(EntityKey entity) {
        return FeatureDerivation.derivesFromRowsAlone(entity.type()) && global != null;
    }

    /** The features of {@code entity} with {@code head} as its newest row and the window starts {@code entry} holds. */
    private Held withHead(EntityKey entity, Held entry, FeatureRow head) {
        RowsAsOf rows = new RowsAsOf(head, entry.rows.windowStarts());
        RowsAsOf prior = entity.type() == EntityType.GLOBAL ? rows : global;
        FeatureVector vector = derivation.derive(entity, System.currentTimeMillis(), rows, prior, List.of(), Map.of());
        return new Held(vector, rows, entry.readAt);
    }

    /**
     * Keeps the newer of the held and the given global head, and the window starts of the newest read ({@code read};
     * null for a head from the feed, which carries none). Before any read there are no starts to derive with.
     */
    private synchronized void updateGlobal(FeatureRow head, RowsAsOf read) {
        RowsAsOf current = global;
        if (read == null && current == null) {
            return;
        }
        FeatureRow latest = current == null || newer(head, current.latest()) ? head : current.latest();
        global = new RowsAsOf(latest, read != null ? read.windowStarts() : current.windowStarts());
    }

    /**
     * Whether {@code a} is a later state of an entity than {@code b}. Counters only grow, and a row's counters grow
     * when a late event lands at its instant, so of two rows at one instant the one with more events is newer.
     */
    private static boolean newer(FeatureRow a, FeatureRow b) {
        if (a == null) {
            return false;
        }
        if (b == null || a.ts() != b.ts()) {
            return b == null || a.ts() > b.ts();
        }
        return events(a.counters()) > events(b.counters());
    }

    private static long events(Counters c) {
        return c.impressions() + c.clicks() + c.views() + c.addToCarts() + c.purchases();
    }

    private void refresh() {
        try {
            queueWritten();
            lastLook = System.currentTimeMillis();
            while (!stale.isEmpty()) {
                List<EntityKey> batch = new ArrayList<>(REFRESH_BATCH);
                for (Iterator<EntityKey> it = stale.keySet().iterator(); it.hasNext() && batch.size() < REFRESH_BATCH; ) {
                    batch.add(it.next());
                    it.remove();
                }
                long now = System.currentTimeMillis();
                try {
                    hold(breaker.read(() -> store.readLatestWithRows(batch)), now);
                } catch (RuntimeException e) {
                    batch.forEach(entity -> stale.put(entity, Boolean.TRUE)); // a write seen must not be lost
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            // what was not re-read is queued again by the next look or request; the failure is counted, not fatal
            metrics.countError(ErrorKind.FEATURE_REFRESH);
        }
    }

    /** Queues the held entities that had a row written since the last look, and announces new item writes. */
    private void queueWritten() {
        // before any write was seen, nothing older than the first look matters: what is held was read after it
        long from = newestWrite == Long.MIN_VALUE ? System.currentTimeMillis() - FIRST_LOOK_BACK_MILLIS
                : newestWrite - WRITE_LOOKBACK_MILLIS;
        Map<EntityKey, Long> written = breaker.read(() -> changes.writtenSince(from));
        boolean itemsWritten = false;
        long now = System.currentTimeMillis();
        for (Map.Entry<EntityKey, Long> write : written.entrySet()) {
            newestWrite = Math.max(newestWrite, write.getValue());
            Held entry = held.get(write.getKey());
            if (entry != null && firstSeen(writesSeen, write) && needsReRead(write.getKey(), entry, now)) {
                stale.put(write.getKey(), Boolean.TRUE);
            }
            // apart from writesSeen, which must not remember a write to an entity held only after this look
            if (write.getKey().type() == EntityType.ITEM && firstSeen(itemWritesSeen, write)) {
                itemsWritten = true;
            }
        }
        writesSeen.values().removeIf(writtenAt -> writtenAt < newestWrite - WRITE_LOOKBACK_MILLIS);
        itemWritesSeen.values().removeIf(writtenAt -> writtenAt < newestWrite - WRITE_LOOKBACK_MILLIS);
        if (itemsWritten) {
            onItemsWritten.run();
        }
    }

    /** A written entity needs a store read unless its head came with the write and its window starts are recent. */
    private boolean needsReRead(EntityKey entity, Held entry, long now) {
        return !headsApplied || !derivesFromHead(entity) || now - entry.readAt > maxAgeMillis;
    }

    /**
     * Remembers a write; true if it was not remembered yet. A write seen again (every look reaches back over the
     * last ones) is left alone rather than put again: that wrote a new boxed time into the old generation's map for
     * every entity of every look, and the collector scanned each of those cards at the next pause.
     */
    private static boolean firstSeen(Map<EntityKey, Long> seen, Map.Entry<EntityKey, Long> write) {
        if (write.getValue().equals(seen.get(write.getKey()))) {
            return false;
        }
        seen.put(write.getKey(), write.getValue());
        return true;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
