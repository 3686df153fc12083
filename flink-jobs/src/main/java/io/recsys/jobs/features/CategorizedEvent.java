package io.recsys.jobs.features;

import io.recsys.schema.event.Event;

/**
 * An event with its item's category, or a null category when the catalogue does not know the item (yet), and what
 * the feedback matcher found it answers.
 */
public record CategorizedEvent(Event event, String category, Attribution attribution) {
}
