package io.recsys.api.http;

import com.github.benmanes.caffeine.cache.Ticker;
import io.recsys.api.serving.ApiMetrics;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.math.BigDecimal;

/**
 * A per-client request quota on the API's {@code /v1/} routes (health, metrics and the page are never limited): a
 * token bucket per client address ({@link TokenBuckets}), the address taken from {@code X-Forwarded-For} only when
 * the connection comes from a {@link TrustedProxies trusted proxy}. Over quota: 429 + {@code Retry-After} (whole
 * seconds until the client has a token again) and a JSON error, counted in
 * {@code recsys_requests_rate_limited_total}. A platform handler, so it runs on the event loop before the body is
 * read: a refusal costs one map look-up and a few arithmetic operations.
 */
public final class ClientRateLimit implements PlatformHandler {

    /**
     * Clients held at once: ~200 bytes each (address, bucket, cache entry), so at most ~20 MB, reached only when
     * that many distinct addresses sent a request within one refill period.
     */
    static final int MAX_CLIENTS = 100_000;

    private final String quota;
    private final TokenBuckets buckets;
    private final TrustedProxies proxies;
    private final ApiMetrics metrics;

    private ClientRateLimit(double perSecond, TokenBuckets buckets, TrustedProxies proxies, ApiMetrics metrics) {
        this.quota = BigDecimal.valueOf(perSecond).stripTrailingZeros().toPlainString();
        this.buckets = buckets;
        this.proxies = proxies;
        this.metrics = metrics;
    }

    public static ClientRateLimit create(double perSecond, TrustedProxies proxies, ApiMetrics metrics) {
        return new ClientRateLimit(perSecond, new TokenBuckets(perSecond, MAX_CLIENTS, Ticker.systemTicker()),
                proxies, metrics);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = request.path();
        if (path == null || !path.startsWith("/v1/") || request.remoteAddress() == null) {
            ctx.next();
            return;
        }
        String client = proxies.clientOf(request.remoteAddress().hostAddress(),
                request.headers().getAll("X-Forwarded-For"));
        long waitNanos = buckets.take(client);
        if (waitNanos == 0) {
            ctx.next();
            return;
        }
        metrics.rateLimited.inc();
        long retryAfter = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
        ErrorResponses.send(ctx, 429, "too_many_requests", "more than " + quota + " requests per second from "
                + client + "; retry after " + retryAfter + " s");
    }
}
