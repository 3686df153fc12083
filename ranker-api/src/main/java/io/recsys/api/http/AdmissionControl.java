package io.recsys.api.http;

import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.ShedReason;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Who may be ranked. Overload costs the client a quick 503 + Retry-After instead of unbounded latency, counted in
 * {@code recsys_requests_shed_total} and {@code recsys_requests_shed_by_reason_total{reason}}:
 * <ul>
 *   <li>as a handler, on the event loop: 503 at once when no model bundle is loaded yet, or when {@code maxInFlight}
 *       requests are already being ranked or waiting for a worker ({@code in_flight}). An admitted request counts
 *       as in flight ({@code recsys_requests_in_flight}) until its response ends or its connection closes;</li>
 *   <li>on the worker that takes an admitted request ({@link #refuseLate}, {@link #shedLate}): 503 when requests
 *       have been waiting longer than {@code maxQueueMillis} for a whole interval ({@link QueueDelayControl},
 *       {@code queue_time}).</li>
 * </ul>
 * It runs before the request is validated: under overload a refusal must cost as little as possible.
 */
final class AdmissionControl implements Handler<RoutingContext> {

    private static final String ACCEPTED_AT = "recsys.acceptedAtNanos";
    /** CoDel's interval (or the target, if longer): how long a queue must stand above the target to be shed. */
    private static final long QUEUE_DELAY_INTERVAL_NANOS = 100_000_000L;

    private final BooleanSupplier modelLoaded;
    private final int maxInFlight;
    private final long maxQueueMillis;
    private final QueueDelayControl queueDelay;
    private final ApiMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();

    private AdmissionControl(BooleanSupplier modelLoaded, int maxInFlight, long maxQueueMillis, ApiMetrics metrics) {
        this.modelLoaded = modelLoaded;
        this.maxInFlight = maxInFlight;
        this.maxQueueMillis = maxQueueMillis;
        long target = maxQueueMillis * 1_000_000L;
        this.queueDelay = new QueueDelayControl(target, Math.max(QUEUE_DELAY_INTERVAL_NANOS, target));
        this.metrics = metrics;
    }

    /**
     * @param modelLoaded    whether a model bundle is loaded (nothing is admitted before)
     * @param maxInFlight    requests admitted and not yet answered beyond which new ones are refused
     * @param maxQueueMillis the queue-delay target
     */
    static AdmissionControl create(BooleanSupplier modelLoaded, int maxInFlight, long maxQueueMillis,
                                   ApiMetrics metrics) {
        return new AdmissionControl(modelLoaded, maxInFlight, maxQueueMillis, metrics);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!modelLoaded.getAsBoolean()) {
            ErrorResponses.send(ctx, 503, "unavailable", "no model bundle is loaded yet");
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            shed(ctx, ShedReason.IN_FLIGHT, "too many requests in flight; retry shortly");
            return;
        }
        metrics.inFlight.inc();
        ctx.addEndHandler(ended -> {
            inFlight.decrementAndGet();
            metrics.inFlight.dec();
        });
        ctx.put(ACCEPTED_AT, System.nanoTime());
        ctx.next();
    }

    /** When this handler admitted the request, in {@link System#nanoTime()}; read it on the event loop. */
    static long acceptedAt(RoutingContext ctx) {
        return ctx.get(ACCEPTED_AT);
    }

    /**
     * On the worker that takes a request admitted at {@code acceptedAtNanos}: records how long it waited
     * ({@code recsys_queue_wait_seconds}) and says whether it should be refused instead of ranked.
     */
    boolean refuseLate(long acceptedAtNanos) {
        long now = System.nanoTime();
        long waited = now - acceptedAtNanos;
        metrics.queueWait.observe(waited / 1e9);
        return queueDelay.refuse(waited, now);
    }

    /** The answer to a request {@link #refuseLate} refused. */
    void shedLate(RoutingContext ctx) {
        shed(ctx, ShedReason.QUEUE_TIME, "requests are waiting more than " + maxQueueMillis
                + " ms for a ranking worker; retry shortly");
    }

    /** 503 + Retry-After: under overload a quick refusal costs the client a retry, not unbounded latency. */
    private void shed(RoutingContext ctx, ShedReason reason, String message) {
        metrics.shed.inc();
        metrics.shedByReason.labels(reason.label()).inc();
        ctx.response().putHeader("Retry-After", "1");
        ErrorResponses.send(ctx, 503, "overloaded", message);
    }
}
