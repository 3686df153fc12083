package io.recsys.datasets;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;

import java.util.List;

/** A dataset as our events, sorted by event time (ties keep file order), and its item catalogue. */
public record Dataset(String name, List<Event> events, List<ItemAttributes> catalogue) {
}
