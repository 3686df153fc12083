package io.recsys.models.rollout;

/** Impressions and matched clicks one experiment arm got. */
public record ArmCounts(long impressions, long clicks) {

    public ArmCounts {
        if (impressions < 0 || clicks < 0 || clicks > impressions) {
            throw new IllegalArgumentException("an arm needs 0 <= clicks <= impressions, got " + clicks
                    + " clicks of " + impressions + " impressions");
        }
    }

    public double ctr() {
        return impressions == 0 ? Double.NaN : clicks / (double) impressions;
    }

    /** What was added since {@code earlier}: the arm's share of a rollout that started then. */
    public ArmCounts since(ArmCounts earlier) {
        return new ArmCounts(impressions - earlier.impressions, clicks - earlier.clicks);
    }
}
