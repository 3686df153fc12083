package io.recsys.api.http;

import io.recsys.api.serving.ServingModels;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * GET /health/ready: 200 when the pod should receive traffic, 503 otherwise, with a body saying why. Ready means a
 * model bundle is loaded and the feature store has answered at least once since the start. Once the store has
 * answered, an outage does not take the pod out of its Service: answers are then served degraded from held
 * features (the breaker skips the store), which beats no answer at all. The store is asked on a worker.
 */
final class Readiness implements Handler<RoutingContext> {

    private final BooleanSupplier modelLoaded;
    private final Supplier<String> bundle;
    private final StoreProbe store;
    private final Workers workers;
    private volatile boolean storeAnsweredOnce;

    Readiness(BooleanSupplier modelLoaded, Supplier<String> bundle, StoreProbe store, Workers workers) {
        this.modelLoaded = modelLoaded;
        this.bundle = bundle;
        this.store = store;
        this.workers = workers;
    }

    static Readiness create(ServingModels models, StoreProbe store, Workers workers) {
        return new Readiness(models::loaded, models::describe, store, workers);
    }

    @Override
    public void handle(RoutingContext ctx) {
        workers.answer(ctx, this::check,
                body -> JsonResponses.send(ctx, Boolean.TRUE.equals(body.get("ready")) ? 200 : 503, body));
    }

    /** Asks the store (blocking) and answers {bundle, store, store_error?, ready}. */
    Map<String, Object> check() {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean loaded = modelLoaded.getAsBoolean();
        body.put("bundle", loaded ? bundle.get() : null);
        boolean storeUp;
        try {
            store.check();
            storeUp = true;
        } catch (RuntimeException e) {
            storeUp = false;
            body.put("store_error", e.getMessage());
        }
        body.put("store", storeUp ? "up" : "down");
        storeAnsweredOnce |= storeUp;
        body.put("ready", loaded && storeAnsweredOnce);
        return body;
    }
}
