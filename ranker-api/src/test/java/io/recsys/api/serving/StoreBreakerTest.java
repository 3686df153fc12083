package io.recsys.api.serving;

import io.recsys.api.HandClock;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.schema.feature.RowsAsOf;
import io.recsys.store.DerivedFeatures;
import io.recsys.store.ItemScore;
import io.recsys.store.OnlineStore;
import io.recsys.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The breaker around the API's store reads, driven through {@link LiveFeatures} as a request drives it, over a store
 * that counts its calls and a clock moved by hand (the background refresh is left to its hour-long period).
 */
class StoreBreakerTest {

    /**
     * Blocking work runs on a thread of its own, never on the common pool: with 2 cores that pool has one worker,
     * and on Java 25 CompletableFuture ran this task on it (on Java 17 it got a thread of its own), so a paced publisher
     * held up Flink's own asynchronous steps (a MiniCluster's TaskExecutor waited 72 s to register with its job).
     */
    private static final Executor OWN_THREAD = task -> new Thread(task, "probe").start();

    private static final FeatureDerivation DERIVATION = new FeatureDerivation(FeatureRegistry.load());
    private static final Duration COOL_DOWN = Duration.ofSeconds(5);

    private final CountingStore store = new CountingStore();
    private final HandClock clock = new HandClock();
    private final ApiMetrics metrics = new ApiMetrics();
    private final StoreBreaker breaker = new StoreBreaker(3, COOL_DOWN, clock, metrics);
    private final LiveFeatures features = new LiveFeatures(store, breaker, DERIVATION, Duration.ofHours(1),
            Duration.ofHours(1), metrics, () -> { });
    private int nextUser;

    @AfterEach
    void stopRefresher() {
        features.close();
    }

    /** A read of a user never read before, so it has to go to the store unless the breaker skips it. */
    private LiveFeatures.Read readNewUser() {
        return features.read(List.of(EntityKey.user("u" + nextUser++)));
    }

    @Test
    void afterThreeFailedReadsInARowTheStoreIsNoLongerTouchedAndAnswersSayItIsSkipped() {
        store.down = true;
        for (int i = 0; i < 3; i++) {
            assertThat(readNewUser().degraded()).isTrue();
        }
        assertThat(store.calls.get()).isEqualTo(3);
        assertThat(state("open")).isEqualTo(1);

        for (int i = 0; i < 10; i++) {
            LiveFeatures.Read read = readNewUser();
            assertThat(read.degraded()).isTrue();
            assertThat(read.failure()).contains("feature store", "skipped while its circuit breaker is open");
            assertThat(read.vector(0)).isNotNull();
        }
        assertThat(store.calls.get()).isEqualTo(3);
        assertThat(metrics.storeReads.labels("skipped").get()).isEqualTo(10);
        assertThat(metrics.storeReads.labels("failed").get()).isEqualTo(3);
        assertThat(metrics.storeBreakerOpens.get()).isEqualTo(1);
    }

    @Test
    void onlyFailuresInARowOpenIt() {
        store.down = true;
        readNewUser();
        readNewUser();
        store.down = false;
        readNewUser();
        store.down = true;
        readNewUser();
        readNewUser();
        assertThat(state("closed")).isEqualTo(1);

        readNewUser();
        assertThat(store.calls.get()).isEqualTo(6);
        assertThat(state("open")).as("the third failure in a row").isEqualTo(1);
    }

    @Test
    void afterTheCoolDownOneProbeGoesThroughAndItsFailureOpensTheBreakerAgain() {
        openTheBreaker();
        clock.advance(COOL_DOWN.minusMillis(1));
        readNewUser();
        assertThat(store.calls.get()).as("still cooling down").isEqualTo(3);

        clock.advance(Duration.ofMillis(2));
        assertThat(readNewUser().degraded()).isTrue();
        assertThat(store.calls.get()).as("the probe").isEqualTo(4);
        assertThat(state("open")).isEqualTo(1);
        readNewUser();
        assertThat(store.calls.get()).as("open again for another cool-down").isEqualTo(4);
        assertThat(metrics.storeBreakerOpens.get()).as("a failed probe is the same outage").isEqualTo(1);
    }

    @Test
    void aProbeThatSucceedsClosesTheBreakerAndReadsGoToTheStoreAgain() {
        openTheBreaker();
        store.down = false;
        clock.advance(COOL_DOWN.plusMillis(1));

        assertThat(readNewUser().degraded()).isFalse();
        assertThat(state("closed")).isEqualTo(1);
        assertThat(breaker.skipping()).isFalse();
        readNewUser();
        readNewUser();
        assertThat(store.calls.get()).isEqualTo(6);
    }

    @Test
    void whileTheProbeIsOutEveryOtherReadIsSkipped() throws Exception {
        openTheBreaker();
        store.down = false;
        clock.advance(COOL_DOWN.plusMillis(1));
        CountDownLatch probeInStore = new CountDownLatch(1);
        CountDownLatch releaseProbe = new CountDownLatch(1);
        store.onCall = () -> {
            probeInStore.countDown();
            await(releaseProbe);
        };
        CompletableFuture<LiveFeatures.Read> probe = CompletableFuture.supplyAsync(this::readNewUser, OWN_THREAD);
        assertThat(probeInStore.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(state("half_open")).isEqualTo(1);
        assertThat(readNewUser().failure()).contains("skipped");
        assertThat(readNewUser().failure()).contains("skipped");
        releaseProbe.countDown();

        assertThat(probe.get(10, TimeUnit.SECONDS).degraded()).isFalse();
        assertThat(store.calls.get()).isEqualTo(4);
        assertThat(state("closed")).isEqualTo(1);
    }

    @Test
    void heldValuesAreServedWithoutTouchingTheStoreWhileItIsOpen() {
        EntityKey held = EntityKey.user("held");
        FeatureVector read = features.read(List.of(held)).vector(0);
        openTheBreaker();

        assertThat(features.read(List.of(held)).vector(0)).isSameAs(read);
        assertThat(store.calls.get()).isEqualTo(4);
    }

    @Test
    void anErrorThatIsNotTheStoresDoesNotCountTowardsOpening() {
        StoreBreaker alone = new StoreBreaker(1, COOL_DOWN, clock, metrics);
        assertThatThrownBy(() -> alone.read(() -> {
            throw new IllegalArgumentException("a bug, not an outage");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(alone.skipping()).isFalse();
        assertThatThrownBy(() -> alone.read(() -> {
            throw new StoreUnavailableException("down", null);
        })).isInstanceOf(StoreUnavailableException.class).isNotInstanceOf(StoreBreaker.Skipped.class);
        assertThatThrownBy(() -> alone.read(() -> 1)).isInstanceOf(StoreBreaker.Skipped.class);
    }

    private void openTheBreaker() {
        store.down = true;
        for (int i = 0; i < 3; i++) {
            readNewUser();
        }
        assertThat(breaker.skipping()).isTrue();
    }

    private double state(String state) {
        return metrics.storeBreakerState.labels(state).get();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Answers every entity with the registry's defaults, or fails as a store that is down does; counts calls. */
    private static final class CountingStore implements OnlineStore {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean down;
        volatile Runnable onCall = () -> { };

        @Override
        public Map<EntityKey, FeatureVector> readLatest(Collection<EntityKey> entities) {
            calls.incrementAndGet();
            onCall.run();
            if (down) {
                throw new StoreUnavailableException("connection refused", null);
            }
            Map<EntityKey, FeatureVector> vectors = new HashMap<>();
            entities.forEach(entity -> vectors.put(entity, DERIVATION.defaults(entity, 0)));
            return vectors;
        }

        @Override
        public Map<EntityKey, DerivedFeatures> readLatestWithRows(Collection<EntityKey> entities) {
            Map<EntityKey, DerivedFeatures> read = new HashMap<>();
            readLatest(entities).forEach((entity, vector) ->
                    read.put(entity, new DerivedFeatures(vector, RowsAsOf.EMPTY, RowsAsOf.EMPTY)));
            return read;
        }

        @Override
        public Map<EntityKey, Long> writtenSince(long writtenAtOrAfter) {
            throw new AssertionError("the refresh runs once an hour in these tests");
        }

        @Override
        public Optional<FeatureRow> latestRow(EntityKey entity) {
            throw new AssertionError("not read by LiveFeatures");
        }

        @Override
        public List<ItemScore> trendingItems(int limit) {
            throw new AssertionError("not read by LiveFeatures");
        }
    }
}
