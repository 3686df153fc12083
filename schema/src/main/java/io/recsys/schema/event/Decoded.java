package io.recsys.schema.event;

/** The outcome of decoding one record: exactly one of {@code event} and {@code rejection} is set. */
public record Decoded(Event event, Rejection rejection) {

    public static Decoded ok(Event event) {
        return new Decoded(event, null);
    }

    public static Decoded rejected(RejectReason reason, String detail) {
        return new Decoded(null, new Rejection(reason, detail));
    }

    public boolean isValid() {
        return event != null;
    }
}
