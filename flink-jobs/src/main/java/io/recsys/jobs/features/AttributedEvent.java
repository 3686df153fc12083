package io.recsys.jobs.features;

import io.recsys.schema.event.Event;

/** An event with what it answers: the feedback matcher's verdict travels with it to every counter. */
public record AttributedEvent(Event event, Attribution attribution) {
}
