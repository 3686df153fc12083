package io.recsys.api.http;

import io.recsys.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The ranking worker pool: ranking, JDBC and Kafka waits run here, never on the event loop. A store that cannot
 * answer costs the client a 503 + Retry-After rather than a 500: it did nothing wrong, and the same request will
 * work once the store is back.
 */
final class Workers implements AutoCloseable {

    private static final String STORE_RETRY_AFTER_SECONDS = "5";

    private final WorkerExecutor executor;

    private Workers(WorkerExecutor executor) {
        this.executor = executor;
    }

    static Workers create(Vertx vertx, int size) {
        return new Workers(vertx.createSharedWorkerExecutor("ranker-workers", size));
    }

    /** {@code work} on a worker, unordered; the caller answers the outcome itself. */
    <T> Future<T> execute(Callable<T> work) {
        return executor.executeBlocking(work, false);
    }

    /** {@code work} on a worker; its result goes to {@code onSuccess}, a failure to the client as above or 500. */
    <T> void answer(RoutingContext ctx, Callable<T> work, Consumer<T> onSuccess) {
        executor.executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                onSuccess.accept(result.result());
            } else if (result.cause() instanceof StoreUnavailableException down) {
                ctx.response().putHeader("Retry-After", STORE_RETRY_AFTER_SECONDS);
                ErrorResponses.send(ctx, 503, "store_unavailable", down.getMessage());
            } else {
                ctx.fail(500, result.cause());
            }
        });
    }

    @Override
    public void close() {
        executor.close();
    }
}
