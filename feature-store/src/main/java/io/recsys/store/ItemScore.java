package io.recsys.store;

/** An item and a score the store computed for it. */
public record ItemScore(String itemId, double score) {
}
