package io.recsys.schema.session;

import java.io.Serializable;

/**
 * One hotel's live impressions and clicks (or one hotel's within a context: platform, device, city), with the
 * clicks its display positions would have earned an average hotel, so that a hotel shown on top is not credited
 * for its position.
 */
public final class ItemClicks implements Serializable {

    private static final long serialVersionUID = 1L;

    /** DESIGN.md's smoothing of the item CTR: (clicks + 1) / (impressions + 20). */
    static final double PRIOR_CLICKS = 1.0;
    static final double PRIOR_IMPRESSIONS = 20.0;

    private long impressions;
    private long clicks;
    private long interactions;
    private double expectedClicks;

    /** The hotel was shown at a position where an average hotel is clicked {@code positionClickRate} of the time. */
    public void shown(double positionClickRate) {
        impressions++;
        expectedClicks += positionClickRate;
    }

    public void clicked() {
        clicks++;
    }

    /** Someone looked at the hotel (images, info, rating, deals) or searched for it, short of a clickout. */
    public void interacted() {
        interactions++;
    }

    public long interactions() {
        return interactions;
    }

    public long impressions() {
        return impressions;
    }

    public long clicks() {
        return clicks;
    }

    /** (clicks + 1) / (impressions + 20). */
    public double ctr() {
        return (clicks + PRIOR_CLICKS) / (impressions + PRIOR_IMPRESSIONS);
    }

    /**
     * Clicks over the clicks expected from the positions the hotel was shown at, shrunk towards 1 (average) by
     * one prior click: above 1, the hotel draws more clicks than its positions explain.
     */
    public double debiasedCtr() {
        return (clicks + PRIOR_CLICKS) / (expectedClicks + PRIOR_CLICKS);
    }

    public ItemClicks copy() {
        ItemClicks copy = new ItemClicks();
        copy.impressions = impressions;
        copy.clicks = clicks;
        copy.interactions = interactions;
        copy.expectedClicks = expectedClicks;
        return copy;
    }
}
