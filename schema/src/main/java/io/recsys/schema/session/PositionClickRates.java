package io.recsys.schema.session;

import java.io.Serializable;

/**
 * How often a hotel at each display position is clicked, over every list so far: the examination bias that
 * {@link ItemClicks#debiasedCtr} divides out. Positions past {@link #POSITIONS} share the last counter (trivago
 * shows at most 25).
 */
public final class PositionClickRates implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int POSITIONS = 25;

    private final long[] shown = new long[POSITIONS];
    private final long[] clicked = new long[POSITIONS];

    /** A list of {@code size} hotels was shown and the one at {@code clickedPosition} (1-based) clicked, or -1. */
    public void record(int size, int clickedPosition) {
        for (int position = 1; position <= size; position++) {
            shown[slot(position)]++;
        }
        if (clickedPosition > 0) {
            clicked[slot(clickedPosition)]++;
        }
    }

    /** The share of hotels shown at {@code position} (1-based) that were clicked, smoothed like the item CTR. */
    public double rate(int position) {
        int slot = slot(position);
        return (clicked[slot] + ItemClicks.PRIOR_CLICKS) / (shown[slot] + ItemClicks.PRIOR_IMPRESSIONS);
    }

    private static int slot(int position) {
        if (position < 1) {
            throw new IllegalArgumentException("display positions start at 1, got " + position);
        }
        return Math.min(position, POSITIONS) - 1;
    }
}
