package io.recsys.schema.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * The JSON wire format of {@link Event}, with strict validation: unknown fields, wrong types, missing fields,
 * implausible times and malformed ids are all rejected with a reason instead of being guessed at.
 *
 * <pre>{"v":1,"event_id":"e1","type":"impression","request_id":"r1","user_id":"u1","item_id":"i9",
 *  "position":3,"surface":"home","model_version":"m1","arm":"A","event_time":"2019-11-13T10:00:00Z"}</pre>
 */
public final class EventCodec {

    public static final int MAX_RECORD_CHARS = 16 * 1024;
    public static final int MAX_POSITION = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("v", "event_id", "type", "request_id", "user_id", "item_id",
            "position", "surface", "model_version", "arm", "event_time", "propensity");

    private EventCodec() {
    }

    /**
     * Written field by field rather than through a JSON tree: the API encodes one impression per item it serves,
     * twenty per request, and building the tree cost more than writing the text.
     */
    public static String encode(Event event) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator json = JSON.getFactory().createGenerator(text)) {
            json.writeStartObject();
            json.writeNumberField("v", Event.SCHEMA_VERSION);
            json.writeStringField("event_id", event.eventId());
            json.writeStringField("type", event.type().wireName());
            writeIfPresent(json, "request_id", event.requestId());
            json.writeStringField("user_id", event.userId());
            json.writeStringField("item_id", event.itemId());
            if (event.type() == EventType.IMPRESSION) {
                json.writeNumberField("position", event.position());
            }
            writeIfPresent(json, "surface", event.surface());
            writeIfPresent(json, "model_version", event.modelVersion());
            writeIfPresent(json, "arm", event.experimentArm());
            if (event.propensity() != null) {
                json.writeNumberField("propensity", event.propensity());
            }
            json.writeStringField("event_time", Instant.ofEpochMilli(event.eventTime()).toString());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an event to a string", e);
        }
        return text.toString();
    }

    public static Decoded decode(String raw, EventTimePolicy timePolicy, Clock clock) {
        if (raw == null || raw.isBlank()) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, "empty record");
        }
        if (raw.length() > MAX_RECORD_CHARS) {
            return Decoded.rejected(RejectReason.INVALID_FIELD,
                    "record has " + raw.length() + " characters, more than " + MAX_RECORD_CHARS);
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, e.getOriginalMessage());
        }
        return decode(node, timePolicy, clock);
    }

    /** Validates an already parsed JSON value (the API parses request bodies once). */
    public static Decoded decode(JsonNode node, EventTimePolicy timePolicy, Clock clock) {
        if (node == null || !node.isObject()) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, "an event must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return Decoded.rejected(RejectReason.UNKNOWN_FIELD, "unknown field '" + name + "'");
            }
        }
        JsonNode version = node.get("v");
        if (version == null) {
            return Decoded.rejected(RejectReason.MISSING_FIELD, "missing field 'v' (schema version)");
        }
        if (!version.isInt() || version.intValue() != Event.SCHEMA_VERSION) {
            return Decoded.rejected(RejectReason.UNSUPPORTED_VERSION,
                    "schema version " + version + " is not supported; expected " + Event.SCHEMA_VERSION);
        }
        try {
            String typeName = requiredText(node, "type");
            EventType type = EventType.fromWireName(typeName);
            if (type == null) {
                throw new FieldException(RejectReason.INVALID_FIELD, "unknown event type '" + typeName
                        + "'; expected impression, click, view, add_to_cart or purchase");
            }
            String eventId = requiredId(node, "event_id");
            String userId = requiredId(node, "user_id");
            String itemId = requiredId(node, "item_id");
            long eventTime = requiredTime(node);
            String timeProblem = timePolicy.check(eventTime, clock);
            if (timeProblem != null) {
                throw new FieldException(RejectReason.TIME_OUT_OF_RANGE, timeProblem);
            }
            String requestId = optionalId(node, "request_id");
            String surface = optionalId(node, "surface");
            String modelVersion = optionalId(node, "model_version");
            String arm = optionalId(node, "arm");
            if (type == EventType.IMPRESSION) {
                if (requestId == null) {
                    throw new FieldException(RejectReason.MISSING_FIELD, "an impression needs 'request_id'");
                }
                if (surface == null) {
                    throw new FieldException(RejectReason.MISSING_FIELD, "an impression needs 'surface'");
                }
                int position = requiredPosition(node);
                Event impression = Event.impression(eventId, requestId, userId, itemId, position, surface,
                        modelVersion, arm, eventTime);
                JsonNode propensity = node.get("propensity");
                if (propensity != null && !propensity.isNull()) {
                    if (!propensity.isNumber() || !(propensity.doubleValue() > 0 && propensity.doubleValue() <= 1)) {
                        throw new FieldException(RejectReason.INVALID_FIELD,
                                "'propensity' must be a probability in (0, 1], got " + propensity);
                    }
                    impression = impression.withPropensity(propensity.doubleValue());
                }
                return Decoded.ok(impression);
            }
            for (String impressionOnly : new String[]{"position", "propensity"}) {
                if (node.has(impressionOnly)) {
                    throw new FieldException(RejectReason.INVALID_FIELD, "'" + impressionOnly
                            + "' belongs to impressions only");
                }
            }
            return Decoded.ok(new Event(eventId, type, requestId, userId, itemId, 0, surface, modelVersion, arm,
                    eventTime, null));
        } catch (FieldException e) {
            return Decoded.rejected(e.reason, e.getMessage());
        }
    }

    private static void writeIfPresent(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new FieldException(RejectReason.MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new FieldException(RejectReason.INVALID_FIELD, "'" + field + "' must be a string");
        }
        return value.textValue();
    }

    private static String requiredId(JsonNode node, String field) {
        String id = requiredText(node, field);
        if (!Ids.isValid(id)) {
            throw new FieldException(RejectReason.INVALID_FIELD, "'" + field + "' must be " + Ids.SYNTAX);
        }
        return id;
    }

    private static String optionalId(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : requiredId(node, field);
    }

    private static long requiredTime(JsonNode node) {
        String text = requiredText(node, "event_time");
        try {
            return IsoInstants.toEpochMilli(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new FieldException(RejectReason.INVALID_FIELD,
                    "'event_time' must be an ISO-8601 instant such as 2019-11-13T10:00:00Z, got '" + text + "'");
        }
    }

    private static int requiredPosition(JsonNode node) {
        JsonNode value = node.get("position");
        if (value == null || value.isNull()) {
            throw new FieldException(RejectReason.MISSING_FIELD, "an impression needs 'position'");
        }
        if (!value.isInt() || value.intValue() < 1 || value.intValue() > MAX_POSITION) {
            throw new FieldException(RejectReason.INVALID_FIELD,
                    "'position' must be an integer from 1 to " + MAX_POSITION);
        }
        return value.intValue();
    }

    private static final class FieldException extends RuntimeException {
        private final RejectReason reason;

        FieldException(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
