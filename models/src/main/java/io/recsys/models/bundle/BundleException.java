package io.recsys.models.bundle;

/** A bundle that cannot be used: missing, corrupt, truncated, or trained for a different feature spec. */
public final class BundleException extends Exception {

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
