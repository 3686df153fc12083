package io.recsys.benchmarks.pipeline;

import io.recsys.api.RankerApi;
import io.recsys.api.StoreReads;
import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.LiveFeatures;
import io.recsys.kafka.KafkaConnection;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What N API replicas ask of the feature store, without their HTTP side: each has its own connection pool and
 * {@link StoreReads} (the change-feed look every second — asking the store, or reading the job's change topic —,
 * re-reads of the entities it holds, trending), and reads the features of a request's worth of entities (a user and
 * 200 items drawn like the events' keys) 20 times a second, so that it holds what a serving replica would.
 */
final class ApiReplicaReads implements AutoCloseable {

    private static final int CANDIDATES = 200;
    private static final long REQUEST_EVERY_MILLIS = 50;
    private static final Duration CHANGE_LOOK_EVERY = Duration.ofSeconds(1);

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final ScheduledExecutorService requests;

    /** @param kafka where the feature job's change topic is, for replicas that read it; null: they ask the store */
    ApiReplicaReads(int replicas, String storeUrl, KafkaConnection kafka, FeatureRegistry registry,
                    String keyDistribution, int keys) throws InterruptedException {
        requests = Executors.newScheduledThreadPool(1, runnable -> {
            Thread thread = new Thread(runnable, "api-replica-requests");
            thread.setDaemon(true);
            return thread;
        });
        for (int r = 0; r < replicas; r++) {
            FeatureStore store = FeatureStores.open(storeUrl, registry, Clock.systemUTC(), 4,
                    RankerApi.STORE_CONNECTION_TIMEOUT);
            parts.add(store);
            StoreReads reads = StoreReads.open(store.online(), registry, new ApiMetrics(), CHANGE_LOOK_EVERY, kafka);
            parts.add(reads);
            LiveFeatures features = reads.features();
            KeyDistribution users = KeyDistribution.parse(keyDistribution, keys, 100 + r);
            KeyDistribution items = KeyDistribution.parse(keyDistribution, keys, 200 + r);
            requests.scheduleWithFixedDelay(() -> {
                List<EntityKey> entities = new ArrayList<>(CANDIDATES + 1);
                entities.add(EntityKey.user("u" + users.next()));
                for (int i = 0; i < CANDIDATES; i++) {
                    entities.add(EntityKey.item("i" + items.next()));
                }
                features.read(entities);
            }, REQUEST_EVERY_MILLIS, REQUEST_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        requests.shutdownNow();
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).close();
        }
    }
}
