package io.recsys.api.serving;

import java.util.Locale;

/** Why a recommendation request was refused with 503, as the {@code reason} of recsys_requests_shed_by_reason_total. */
public enum ShedReason {
    /** --max-in-flight requests were already being ranked or waiting */
    IN_FLIGHT,
    /** requests had waited longer than --max-queue-ms for a ranking worker throughout 100 ms */
    QUEUE_TIME;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
