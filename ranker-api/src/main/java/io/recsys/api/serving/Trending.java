package io.recsys.api.serving;

import io.recsys.store.ItemScore;
import io.recsys.store.OnlineStore;

import java.util.ArrayList;
import java.util.List;
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
 */
public final class Trending implements AutoCloseable {

    private static final int DEPTH = 2_000;

    private final OnlineStore store;
    private final StoreBreaker breaker;
    private final ApiMetrics metrics;
    private final long minRefreshMillis;
    private final ScheduledExecutorService refresher;
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private volatile long lastRefresh;
    private volatile List<String> items = List.of();

    /**
     * @param minRefreshMillis the least time between two reads of the list, however often items are written
     * @param maxRefreshMillis the most time between two reads, written or not: a safety net for a missed write
     */
    public Trending(OnlineStore store, StoreBreaker breaker, long minRefreshMillis, long maxRefreshMillis,
                    ApiMetrics metrics) {
        this.store = store;
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

    private void refresh() {
        lastRefresh = System.currentTimeMillis();
        try {
            List<String> fresh = new ArrayList<>();
            for (ItemScore item : breaker.read(() -> store.trendingItems(DEPTH))) {
                fresh.add(item.itemId());
            }
            items = List.copyOf(fresh);
        } catch (RuntimeException e) {
            metrics.countError(ErrorKind.TRENDING_REFRESH);
        }
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
