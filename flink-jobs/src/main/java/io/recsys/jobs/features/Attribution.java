package io.recsys.jobs.features;

import io.recsys.schema.feature.EntityType;

import java.util.Set;

/** What {@link FeedbackMatcher} found an event answers, and so which entities' features it counts in. */
public enum Attribution {
    /** an impression: counts wherever impressions count */
    SHOWN,
    /**
     * feedback on an item that a list shown to the same user, named by the feedback's request id, held within the
     * attribution window; the first of its type by that user on that item within the window
     */
    MATCHED,
    /** feedback that answers no list served to its user: counts only where the registry says exposure is not needed */
    UNMATCHED,
    /** matched feedback that one before it, of the same type by the same user on the same item, already counted */
    REPEATED;

    public boolean countsFor(EntityType entity, Set<EntityType> unmatchedCountsFor) {
        return switch (this) {
            case SHOWN, MATCHED -> true;
            case UNMATCHED -> unmatchedCountsFor.contains(entity);
            case REPEATED -> false;
        };
    }
}
