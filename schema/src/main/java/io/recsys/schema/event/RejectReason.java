package io.recsys.schema.event;

import java.util.Locale;

/** Why a record was refused; each reason is a label on the rejected-events metric and in the dead-letter record. */
public enum RejectReason {
    MALFORMED_JSON,
    UNSUPPORTED_VERSION,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    INVALID_FIELD,
    TIME_OUT_OF_RANGE,
    /** event time at or behind the job's watermark: too late to count exactly */
    LATE,
    /** an event id already counted */
    DUPLICATE,
    /** a user's feedback beyond the registry's bound per event-time minute */
    FEEDBACK_RATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
