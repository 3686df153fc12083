package io.recsys.schema.event;

import java.util.Locale;

/**
 * The arms the ranker API serves a user under, written on every impression it logs ({@link Event#experimentArm()}).
 * Other producers may write other arm names; these are the ones the system knows before any event arrives.
 */
public enum ExperimentArm {
    /** the bundle that serves everyone outside the treatment */
    CONTROL,
    /** a second bundle given to a stable hash-share of users */
    TREATMENT;

    /** The name on impressions and on the per-arm metrics, e.g. {@code control}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
