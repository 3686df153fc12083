package io.recsys.api;

import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.ChangeFeed;
import io.recsys.api.serving.KafkaChangeFeed;
import io.recsys.api.serving.LiveFeatures;
import io.recsys.api.serving.RecentWrites;
import io.recsys.api.serving.StoreBreaker;
import io.recsys.api.serving.Trending;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.OnlineStore;

import java.time.Clock;
import java.time.Duration;

/**
 * What one API replica reads from the feature store, built with the API's settings: the store's circuit breaker,
 * the trending list, and the live features with their change feed (asking the store, or reading the feature job's
 * change topic). {@link RankerApi} serves with it; {@code bench pipeline --api-replicas} runs it without HTTP to
 * measure what replicas cost the store.
 */
public final class StoreReads implements AutoCloseable {

    /** How long the change feed remembers a write: several looks' worth, which reach back 2 s. */
    static final Duration CHANGE_HORIZON = Duration.ofSeconds(10);

    /**
     * How old held feature values may get before a background re-read; only what changes without a new row in the
     * store (window starts sliding, decay) waits this long (see {@link LiveFeatures}).
     */
    static final Duration FEATURE_MAX_AGE = Duration.ofSeconds(120);

    /** Users whose writes {@link RecentWrites} remembers: enough to find a few with history among them. */
    static final int RECENT_USERS_KEPT = 200;

    /** The trending list is re-read at most this often while items are being written (see {@link Trending}). */
    static final Duration TRENDING_MIN_REFRESH = Duration.ofSeconds(2);

    /** The trending list is re-read at least this often, items written or not: a safety net for a missed write. */
    static final Duration TRENDING_MAX_REFRESH = Duration.ofSeconds(30);

    private final StoreBreaker breaker;
    private final Trending trending;
    private final KafkaChangeFeed changeFeed;
    private final LiveFeatures features;
    private final RecentWrites recentWrites;

    private StoreReads(StoreBreaker breaker, Trending trending, KafkaChangeFeed changeFeed, LiveFeatures features,
                       RecentWrites recentWrites) {
        this.breaker = breaker;
        this.trending = trending;
        this.changeFeed = changeFeed;
        this.features = features;
        this.recentWrites = recentWrites;
    }

    /**
     * @param refreshAfter         how often the live features look for written entities
     * @param changeTopicKafka     Kafka holding the feature job's change topic to learn writes from; null: ask the
     *                             store
     */
    public static StoreReads open(OnlineStore store, FeatureRegistry registry, ApiMetrics metrics,
                                  Duration refreshAfter, KafkaConnection changeTopicKafka) throws InterruptedException {
        StoreBreaker breaker = new StoreBreaker(RankerApi.STORE_BREAKER_FAILURES, RankerApi.STORE_BREAKER_COOL_DOWN,
                Clock.systemUTC(), metrics);
        FeatureDerivation derivation = new FeatureDerivation(registry);
        Trending trending = new Trending(store, derivation, breaker, TRENDING_MIN_REFRESH.toMillis(),
                TRENDING_MAX_REFRESH.toMillis(), metrics);
        KafkaChangeFeed changeFeed = null;
        try {
            ChangeFeed changes = store::writtenSince;
            if (changeTopicKafka != null) {
                changeFeed = new KafkaChangeFeed(changeTopicKafka, Topics.FEATURE_CHANGES, CHANGE_HORIZON, metrics);
                if (!changeFeed.awaitStarted(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("could not read the feature change topic " + Topics.FEATURE_CHANGES
                            + " on Kafka at " + changeTopicKafka + " within 30 s");
                }
                changes = changeFeed;
            }
            RecentWrites recentWrites = new RecentWrites(changes, metrics, RECENT_USERS_KEPT);
            // with heads from the topic, trending follows them instead of re-reading the list on item writes
            LiveFeatures features = new LiveFeatures(store, recentWrites, breaker, derivation, refreshAfter,
                    FEATURE_MAX_AGE, metrics, changeFeed != null ? () -> { } : trending::itemsWritten);
            if (changeFeed != null) {
                changeFeed.onHeads(heads -> {
                    features.applyHeads(heads);
                    trending.applyHeads(heads);
                });
            }
            return new StoreReads(breaker, trending, changeFeed, features, recentWrites);
        } catch (InterruptedException | RuntimeException e) {
            if (changeFeed != null) {
                changeFeed.close();
            }
            trending.close();
            throw e;
        }
    }

    public StoreBreaker breaker() {
        return breaker;
    }

    public Trending trending() {
        return trending;
    }

    public LiveFeatures features() {
        return features;
    }

    /** What the change feed reported lately: the users written most recently. */
    public RecentWrites recentWrites() {
        return recentWrites;
    }

    @Override
    public void close() {
        features.close();
        if (changeFeed != null) {
            try {
                changeFeed.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        trending.close();
    }
}
