package io.recsys.api.serving;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.recsys.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A circuit breaker around the API's feature store reads (resilience4j's state machine). While the database is down
 * a read waits a whole connection timeout before it fails, and a request reads up to three times; so after
 * {@code failuresToOpen} reads in a row have failed the breaker opens and reads are skipped at once, failing with
 * {@link Skipped}: callers serve held values or the registry's defaults and say the answer is degraded. After
 * {@code coolDown} the next read is let through alone as a probe (half-open; the others are still skipped): its
 * success closes the breaker, its failure opens it for another cool-down. Reads run on worker threads with
 * blocking JDBC, which is the synchronous use resilience4j is built for.
 */
public final class StoreBreaker {

    /** A read skipped because the breaker is open: the store was not touched. */
    public static final class Skipped extends StoreUnavailableException {
        Skipped(String message) {
            super(message, null);
        }
    }

    private final CircuitBreaker breaker;
    private final ApiMetrics metrics;
    private final String skippedMessage;

    /**
     * @param clock decides when the cool-down is over; tests pass one they move by hand
     */
    public StoreBreaker(int failuresToOpen, Duration coolDown, Clock clock, ApiMetrics metrics) {
        this.metrics = metrics;
        this.skippedMessage = "skipped while its circuit breaker is open (" + failuresToOpen
                + " reads in a row failed; one read is let through every " + coolDown.toSeconds() + " s to probe)";
        // the last failuresToOpen outcomes all failures, and nothing else, opens it: consecutive failures
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failuresToOpen)
                .minimumNumberOfCalls(failuresToOpen)
                .failureRateThreshold(100)
                .recordExceptions(StoreUnavailableException.class)
                .waitDurationInOpenState(coolDown)
                .permittedNumberOfCallsInHalfOpenState(1)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
        this.breaker = CircuitBreaker.of("feature-store", config);
        for (CircuitBreaker.State state : List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                CircuitBreaker.State.HALF_OPEN)) {
            metrics.storeBreakerState.labels(label(state)).set(state == CircuitBreaker.State.CLOSED ? 1 : 0);
        }
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            metrics.storeBreakerState.labels(label(transition.getFromState())).set(0);
            metrics.storeBreakerState.labels(label(transition.getToState())).set(1);
            if (transition == CircuitBreaker.StateTransition.CLOSED_TO_OPEN) {
                metrics.storeBreakerOpens.inc();
            }
        });
    }

    /**
     * The read's result, or its {@link StoreUnavailableException}; {@link Skipped} without calling it while the
     * breaker is open.
     */
    public <T> T read(Supplier<T> read) {
        try {
            T result = breaker.executeSupplier(read);
            metrics.storeReads.labels(StoreReadOutcome.OK.label()).inc();
            return result;
        } catch (CallNotPermittedException e) {
            metrics.storeReads.labels(StoreReadOutcome.SKIPPED.label()).inc();
            throw new Skipped(skippedMessage);
        } catch (StoreUnavailableException e) {
            metrics.storeReads.labels(StoreReadOutcome.FAILED.label()).inc();
            throw e;
        }
    }

    /** Whether reads are being skipped: the store has failed and has not answered a probe since. */
    public boolean skipping() {
        return breaker.getState() != CircuitBreaker.State.CLOSED;
    }

    public String skippedMessage() {
        return skippedMessage;
    }

    private static String label(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
