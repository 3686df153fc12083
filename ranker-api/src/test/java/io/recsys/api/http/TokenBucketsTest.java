package io.recsys.api.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-client token buckets on a clock moved by hand. */
class TokenBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private TokenBuckets buckets(double perSecond, int maxClients) {
        return new TokenBuckets(perSecond, maxClients, now::get);
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aClientMaySendOneSecondsWorthAtOnceAndThenWaitsForTheRefill() {
        TokenBuckets buckets = buckets(10, 100);
        for (int i = 0; i < 10; i++) {
            assertThat(buckets.take("a")).as("request %d of the burst", i).isZero();
        }
        assertThat(buckets.take("a")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));

        advanceMillis(100);
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isPositive();
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        TokenBuckets buckets = buckets(1, 100);
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isPositive();
        assertThat(buckets.take("b")).isZero();
    }

    @Test
    void aQuotaBelowOneRequestPerSecondStillAllowsOneRequestAndTellsHowLongToWait() {
        TokenBuckets buckets = buckets(0.2, 100);
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        advanceMillis(4_000);
        assertThat(buckets.take("a")).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aBucketIsForgottenOnceItWouldBeFullAgain() {
        TokenBuckets buckets = buckets(10, 100);
        buckets.take("a");
        buckets.take("b");
        advanceMillis(500);
        assertThat(buckets.clients()).isEqualTo(2);

        advanceMillis(600);
        assertThat(buckets.clients()).isZero();
    }

    @Test
    void noMoreThanMaxClientsAreHeldHoweverManySend() {
        TokenBuckets buckets = buckets(10, 1_000);
        for (int i = 0; i < 20_000; i++) {
            buckets.take("10.0." + i / 256 + "." + i % 256);
        }
        assertThat(buckets.clients()).isLessThanOrEqualTo(1_000);
    }

    @Test
    void aRateThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> buckets(0, 10)).hasMessageContaining("positive");
        assertThatThrownBy(() -> buckets(Double.NaN, 10)).hasMessageContaining("positive");
    }
}
