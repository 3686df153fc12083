package io.recsys.models.training.embedding;

/**
 * One piece of implicit feedback: user {@code userId} interacted with {@code itemId} with strength {@code weight}
 * (a count, a rating, a dwell time...). Repeated pairs are summed by the trainer.
 */
public record Interaction(String userId, String itemId, double weight) {

    public Interaction {
        if (userId == null || itemId == null) {
            throw new IllegalArgumentException("an interaction needs a user and an item, got " + userId + " and "
                    + itemId);
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("interaction weight must be positive and finite, got " + weight
                    + " for user " + userId + " and item " + itemId);
        }
    }
}
