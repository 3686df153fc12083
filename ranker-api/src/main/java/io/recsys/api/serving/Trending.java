package io.recsys.api.serving;

import io.recsys.store.ItemScore;
import io.recsys.store.OnlineStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The trending candidate source for cold users and for freshness: the most-clicked items (decayed) from the live
 * features. A background thread re-reads the list every refresh interval (the query scans every item), so no
 * request ever waits for it; a failed (or, with the store's breaker open, skipped) refresh keeps the last good list
 * and is counted.
 */
public final class Trending implements AutoCloseable {

    private static final int DEPTH = 2_000;

    private final OnlineStore store;
    private final StoreBreaker breaker;
    private final ApiMetrics metrics;
    private final ScheduledExecutorService refresher;
    private volatile List<String> items = List.of();

    public Trending(OnlineStore store, StoreBreaker breaker, long refreshMillis, ApiMetrics metrics) {
        this.store = store;
        this.breaker = breaker;
        this.metrics = metrics;
        refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "trending-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refresh, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            List<String> fresh = new ArrayList<>();
            for (ItemScore item : breaker.read(() -> store.trendingItems(DEPTH))) {
                fresh.add(item.itemId());
            }
            items = List.copyOf(fresh);
        } catch (RuntimeException e) {
            metrics.errors.labels("trending_refresh").inc();
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
