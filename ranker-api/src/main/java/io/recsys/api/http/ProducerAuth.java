package io.recsys.api.http;

import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.ProducerRefusal;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * Lets an event write through only with a producer's bearer token ({@link ProducerTokens}): 401 without one, 403
 * with a token no producer has; either way nothing reaches Kafka, and the refusal is counted in
 * {@code recsys_events_rejected_total{reason}}. The producer's name is left in the context under
 * {@link #PRODUCER} for the handlers after it.
 */
public final class ProducerAuth implements Handler<RoutingContext> {

    public static final String PRODUCER = "producer";

    private final ProducerTokens tokens;
    private final ApiMetrics metrics;

    private ProducerAuth(ProducerTokens tokens, ApiMetrics metrics) {
        this.tokens = tokens;
        this.metrics = metrics;
    }

    public static ProducerAuth create(ProducerTokens tokens, ApiMetrics metrics) {
        return new ProducerAuth(tokens, metrics);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<String> token = BearerToken.of(ctx.request().getHeader("Authorization"));
        if (token.isEmpty()) {
            metrics.eventsRejected.labels(ProducerRefusal.UNAUTHENTICATED.label()).inc();
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"events\"");
            ErrorResponses.send(ctx, 401, "unauthorized",
                    "writing events needs the header 'Authorization: Bearer <producer token>'");
            return;
        }
        Optional<String> producer = tokens.producerOf(token.get());
        if (producer.isEmpty()) {
            metrics.eventsRejected.labels(ProducerRefusal.FORBIDDEN.label()).inc();
            ErrorResponses.send(ctx, 403, "forbidden", "this token belongs to no event producer");
            return;
        }
        ctx.put(PRODUCER, producer.get());
        ctx.next();
    }
}
