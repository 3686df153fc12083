package io.recsys.schema.event;

/**
 * One impression or feedback event, schema version {@link #SCHEMA_VERSION}. Construct through
 * {@link EventCodec#decode} (validated) or the factories; {@code eventTime} is epoch milliseconds (UTC).
 *
 * <p>Impressions carry {@code requestId}, {@code position} (1-based), {@code surface}, {@code modelVersion}
 * and {@code experimentArm}; feedback carries {@code requestId} when the client knows it and leaves
 * {@code position} 0. An impression of a list whose head was shuffled for exploration carries {@code propensity}: the
 * probability that the serving policy showed this item at this position, so a different ranking's CTR can be
 * estimated from logged traffic (inverse propensity scoring); null when the list was ranked deterministically.
 */
public record Event(
        String eventId,
        EventType type,
        String requestId,
        String userId,
        String itemId,
        int position,
        String surface,
        String modelVersion,
        String experimentArm,
        long eventTime,
        Double propensity) {

    public static final int SCHEMA_VERSION = 1;

    public static Event impression(String eventId, String requestId, String userId, String itemId, int position,
                                   String surface, String modelVersion, String experimentArm, long eventTime) {
        return new Event(eventId, EventType.IMPRESSION, requestId, userId, itemId, position, surface, modelVersion,
                experimentArm, eventTime, null);
    }

    public static Event feedback(String eventId, EventType type, String requestId, String userId, String itemId,
                                 long eventTime) {
        if (!type.isFeedback()) {
            throw new IllegalArgumentException("feedback type expected, got " + type);
        }
        return new Event(eventId, type, requestId, userId, itemId, 0, null, null, null, eventTime, null);
    }

    /** This impression with the probability that the serving policy showed its item at its position. */
    public Event withPropensity(double probability) {
        if (type != EventType.IMPRESSION) {
            throw new IllegalArgumentException("only impressions carry a propensity, not " + type);
        }
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("a propensity is a probability in (0, 1], got " + probability);
        }
        return new Event(eventId, type, requestId, userId, itemId, position, surface, modelVersion, experimentArm,
                eventTime, probability);
    }
}
