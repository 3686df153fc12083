package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.Rejection;

/** A raw record as read from Kafka, already decoded: either an event or the reason it is not one. */
public record DecodedRecord(String raw, Event event, Rejection rejection) {
}
