package io.recsys.api.serving;

import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.ItemScore;
import io.recsys.store.OnlineStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The trending candidate source for cold users and for freshness: the most-clicked items (decayed) from the live
 * features. A background thread re-reads the list (the query scans every item), so no request ever waits for it;
 * a failed (or, with the store's breaker open, skipped) refresh keeps the last good list and is counted.
 *
 * <p>The list is re-read when items were written ({@link #itemsWritten}, at most once per {@code minRefreshMillis}),
 * and otherwise only every {@code maxRefreshMillis}: without a write its order cannot change, since every item's
 * decayed clicks decay by the same factor, so re-reading it every few seconds scanned 100k items for nothing.
 *
 * <p>With a change feed that carries the written heads ({@link #applyHeads}), the list follows the writes without
 * a read: an item outside the list can only enter it by being written (unwritten items all decay alike), and a
 * written item's head holds its decayed clicks, so the list read last plus every item head since is all that can be
 * in it. The store is then read only every {@code maxRefreshMillis}, as the safety net for a lost message.
 */
public final class Trending implements AutoCloseable {

    private static final int DEPTH = 2_000;

    private final OnlineStore store;
    private final FeatureDerivation derivation;
    private final StoreBreaker breaker;
    private final ApiMetrics metrics;
    private final long minRefreshMillis;
    private final ScheduledExecutorService refresher;
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final AtomicBoolean orderPending = new AtomicBoolean();
    private volatile long lastRefresh;
    private volatile List<String> items = List.of();
    /** The candidates of the list: the last read's items and every item head since. */
    private final Map<String, Decayed> candidates = new HashMap<>();

    /** An item's clicks decayed to {@code ts}. */
    private record Decayed(double clicks, long ts) {
    }

    /**
     * @param minRefreshMillis the least time between two reads of the list, however often items are written
     * @param maxRefreshMillis the most time between two reads, written or not: a safety net for a missed write
     */
    public Trending(OnlineStore store, FeatureDerivation derivation, StoreBreaker breaker, long minRefreshMillis,
                    long maxRefreshMillis, ApiMetrics metrics) {
        this.store = store;
        this.derivation = derivation;
        this.breaker = breaker;
        this.metrics = metrics;
        this.minRefreshMillis = minRefreshMillis;
        refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "trending-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refresh, maxRefreshMillis, maxRefreshMillis, TimeUnit.MILLISECONDS);
    }

    /** Items had rows written: re-read the list soon, but not sooner than {@code minRefreshMillis} after the last. */
    public void itemsWritten() {
        if (refreshPending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastRefresh + minRefreshMillis - System.currentTimeMillis());
            refresher.schedule(() -> {
                refreshPending.set(false);
                refresh();
            }, wait, TimeUnit.MILLISECONDS);
        }
    }

    /** Item heads from the change feed: the list is ordered again soon, without a read. */
    public void applyHeads(List<FeatureRow> heads) {
        boolean changed = false;
        synchronized (candidates) {
            for (FeatureRow head : heads) {
                if (head.entityType() == EntityType.ITEM && head.counters().decayedClicks() > 0) {
                    candidates.merge(head.entityId(), new Decayed(head.counters().decayedClicks(), head.ts()),
                            (held, fresh) -> fresh.ts() >= held.ts() ? fresh : held);
                    changed = true;
                }
            }
        }
        if (changed && orderPending.compareAndSet(false, true)) {
            refresher.schedule(() -> {
                orderPending.set(false);
                order();
            }, minRefreshMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void refresh() {
        lastRefresh = System.currentTimeMillis();
        try {
            long now = System.currentTimeMillis();
            List<ItemScore> read = breaker.read(() -> store.trendingItems(DEPTH));
            synchronized (candidates) {
                candidates.clear();
                for (ItemScore item : read) {
                    // the score is the item's clicks decayed to now
                    candidates.put(item.itemId(), new Decayed(item.score(), now));
                }
            }
            order();
        } catch (RuntimeException e) {
            metrics.countError(ErrorKind.TRENDING_REFRESH);
        }
    }

    /** Orders the candidates by popularity now, keeps the best {@code DEPTH}, and serves them. */
    private void order() {
        long now = System.currentTimeMillis();
        List<ItemScore> scored = new ArrayList<>();
        synchronized (candidates) {
            for (Map.Entry<String, Decayed> item : candidates.entrySet()) {
                Decayed decayed = item.getValue();
                scored.add(new ItemScore(item.getKey(), derivation.popularity(decayed.clicks(), decayed.ts(), now)));
            }
            scored.sort(OnlineStore.MOST_POPULAR_FIRST);
            if (scored.size() > DEPTH) {
                for (ItemScore dropped : scored.subList(DEPTH, scored.size())) {
                    candidates.remove(dropped.itemId());
                }
                scored = scored.subList(0, DEPTH);
            }
        }
        List<String> fresh = new ArrayList<>(scored.size());
        for (ItemScore item : scored) {
            fresh.add(item.itemId());
        }
        items = List.copyOf(fresh);
    }

    /** Up to {@code n} trending items, most popular first. */
    public List<String> top(int n) {
        List<String> current = items;
        return current.subList(0, Math.min(n, current.size()));
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
