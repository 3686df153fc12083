package io.recsys.api.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;

/**
 * A token bucket per client: each refills at {@code perSecond} up to a burst of one second's worth (at least one
 * request), and a request takes one token. Memory is bounded twice over: a bucket idle long enough to be full again
 * is the same as no bucket, so it is forgotten then; and at most {@code maxClients} are held, the least recently
 * used going first (which can only make the limit more lenient for a client forgotten early).
 */
final class TokenBuckets {

    private final double perNano;
    private final double burst;
    private final Ticker ticker;
    private final Cache<String, Bucket> buckets;

    TokenBuckets(double perSecond, int maxClients, Ticker ticker) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("a rate limit must be a positive number of requests per second, not "
                    + perSecond);
        }
        this.perNano = perSecond / 1e9;
        this.burst = Math.max(1, perSecond);
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder().ticker(ticker).maximumSize(maxClients)
                .expireAfterAccess(Duration.ofNanos((long) Math.ceil(burst / perNano))).build();
    }

    /** Takes a token for {@code client}: 0 when there was one, else how many nanoseconds until there is. */
    long take(String client) {
        long now = ticker.read();
        return buckets.get(client, c -> new Bucket(burst, now)).take(now, perNano, burst);
    }

    /** How many clients are held now (after pending evictions). */
    long clients() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static final class Bucket {
        private double tokens;
        private long updatedAt;

        Bucket(double tokens, long updatedAt) {
            this.tokens = tokens;
            this.updatedAt = updatedAt;
        }

        /** Each event loop may serve the same client: the few arithmetic operations are guarded, not the lookup. */
        synchronized long take(long now, double perNano, double burst) {
            tokens = Math.min(burst, tokens + Math.max(0, now - updatedAt) * perNano);
            updatedAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
