package io.recsys.schema.event;

/**
 * One impression or feedback event, schema version {@link #SCHEMA_VERSION}. Construct through
 * {@link EventCodec#decode} (validated) or the factories; {@code eventTime} is epoch milliseconds (UTC).
 *
 * <p>Impressions carry {@code requestId}, {@code position} (1-based), {@code surface}, {@code modelVersion}
 * and {@code experimentArm}; feedback carries {@code requestId} when the client knows it and leaves
 * {@code position} 0.
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
        long eventTime) {

    public static final int SCHEMA_VERSION = 1;

    public static Event impression(String eventId, String requestId, String userId, String itemId, int position,
                                   String surface, String modelVersion, String experimentArm, long eventTime) {
        return new Event(eventId, EventType.IMPRESSION, requestId, userId, itemId, position, surface, modelVersion,
                experimentArm, eventTime);
    }

    public static Event feedback(String eventId, EventType type, String requestId, String userId, String itemId,
                                 long eventTime) {
        if (!type.isFeedback()) {
            throw new IllegalArgumentException("feedback type expected, got " + type);
        }
        return new Event(eventId, type, requestId, userId, itemId, 0, null, null, null, eventTime);
    }
}
