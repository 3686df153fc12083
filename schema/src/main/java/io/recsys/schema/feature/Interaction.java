package io.recsys.schema.feature;

import java.io.Serializable;

/** A user's feedback on an item, kept so "the last N items the user interacted with" can be read as of any time. */
public record Interaction(String userId, long ts, String itemId, String type) implements Serializable {
}
