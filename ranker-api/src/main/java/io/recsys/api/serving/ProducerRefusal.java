package io.recsys.api.serving;

import java.util.Locale;

/**
 * Why the API refused an event write before reading it, as a {@code reason} of recsys_events_rejected_total beside
 * the {@link io.recsys.schema.event.RejectReason}s of events it read.
 */
public enum ProducerRefusal {
    /** no bearer token: 401 */
    UNAUTHENTICATED,
    /** a token no producer has: 403 */
    FORBIDDEN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
