package io.recsys.api.http;

/**
 * The readiness check's one question to the feature store: does it answer? A read of one small, always-present row
 * (the JDBC store's latest global row). None of the store's interfaces has such a cheap read, so the wiring that
 * opens the store hands the server this probe.
 */
@FunctionalInterface
public interface StoreProbe {

    /** Returns when the store answered; throws (any runtime exception) when it did not. */
    void check();
}
