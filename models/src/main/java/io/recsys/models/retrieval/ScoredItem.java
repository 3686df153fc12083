package io.recsys.models.retrieval;

/** A candidate and the score its source gave it (higher is better). */
public record ScoredItem(String itemId, double score) {
}
