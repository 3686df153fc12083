package io.recsys.store;

/** The store could not be reached or refused a statement; callers decide whether to retry or degrade. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
