package io.recsys.schema.event;

/** A record that did not become an event, with the reason and a human-readable detail. */
public record Rejection(RejectReason reason, String detail) {
}
