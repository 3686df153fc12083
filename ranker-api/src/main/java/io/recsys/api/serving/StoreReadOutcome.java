package io.recsys.api.serving;

import java.util.Locale;

/** How a read of the feature store through its circuit breaker ended: the outcome of recsys_store_reads_total. */
public enum StoreReadOutcome {
    OK,
    FAILED,
    /** not tried: the circuit breaker is open */
    SKIPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
