package io.recsys.models.rollout;

import org.apache.commons.math3.special.Beta;

/**
 * Decides a guarded rollout from the clicks each arm got: each arm's CTR has a Beta(1 + clicks, 1 + non-clicks)
 * posterior (a uniform prior), and the decision rests on the probability that the treatment's CTR is above the
 * control's.
 * <ul>
 *   <li>Until both arms have {@code minImpressions}: collect.</li>
 *   <li>P(treatment better) ≥ {@code promoteAbove}: promote.</li>
 *   <li>P(treatment better) ≤ {@code rollBackBelow}: roll back.</li>
 *   <li>The treatment has had {@code maxImpressions} without either: roll back, because a candidate that shows no
 *       gain is not worth the risk of a change (the error budget of the experiment is spent).</li>
 * </ul>
 * Looking again and again at a posterior inflates how often a no-better candidate is promoted; the minimum sample,
 * a strict threshold and the loop's pace (one look per interval) keep that rate low — {@code RolloutPolicyTest}
 * measures it on arms of equal CTR. Clicks within one list are not independent, so the posterior is a little
 * narrower than the truth; the thresholds are chosen with that margin.
 */
public record RolloutPolicy(long minImpressions, long maxImpressions, double promoteAbove, double rollBackBelow) {

    public static final RolloutPolicy DEFAULT = new RolloutPolicy(5_000, 200_000, 0.99, 0.05);

    public enum Action { COLLECT, PROMOTE, ROLL_BACK }

    /** What to do, and why, with the numbers it rests on. */
    public record Decision(Action action, double probabilityTreatmentBetter, ArmCounts control, ArmCounts treatment,
                           String reason) {
    }

    public RolloutPolicy {
        if (minImpressions <= 0 || maxImpressions < minImpressions) {
            throw new IllegalArgumentException("need 0 < min impressions <= max impressions, got " + minImpressions
                    + " and " + maxImpressions);
        }
        if (!(rollBackBelow >= 0 && rollBackBelow < promoteAbove && promoteAbove <= 1)) {
            throw new IllegalArgumentException("need 0 <= roll-back probability < promote probability <= 1, got "
                    + rollBackBelow + " and " + promoteAbove);
        }
    }

    public Decision decide(ArmCounts control, ArmCounts treatment) {
        double better = probabilityBetter(treatment, control);
        if (control.impressions() < minImpressions || treatment.impressions() < minImpressions) {
            return new Decision(Action.COLLECT, better, control, treatment, String.format(
                    "each arm needs %,d impressions before a decision (control %,d, treatment %,d)", minImpressions,
                    control.impressions(), treatment.impressions()));
        }
        if (better >= promoteAbove) {
            return new Decision(Action.PROMOTE, better, control, treatment, String.format(
                    "P(treatment CTR > control CTR) = %.3f >= %.3f", better, promoteAbove));
        }
        if (better <= rollBackBelow) {
            return new Decision(Action.ROLL_BACK, better, control, treatment, String.format(
                    "P(treatment CTR > control CTR) = %.3f <= %.3f", better, rollBackBelow));
        }
        if (treatment.impressions() >= maxImpressions) {
            return new Decision(Action.ROLL_BACK, better, control, treatment, String.format(
                    "no clear gain after %,d treatment impressions (P(better) = %.3f)", treatment.impressions(),
                    better));
        }
        return new Decision(Action.COLLECT, better, control, treatment, String.format(
                "P(treatment CTR > control CTR) = %.3f, not yet decisive", better));
    }

    /**
     * P(p_a &gt; p_b) for p_a ~ Beta(1 + clicks_a, 1 + misses_a), p_b likewise, in closed form (a sum over a's
     * clicks of beta functions, in logs); summed over the arm with fewer clicks, as P(a &gt; b) = 1 − P(b &gt; a).
     */
    static double probabilityBetter(ArmCounts a, ArmCounts b) {
        if (a.clicks() > b.clicks()) {
            return 1 - probabilityBetter(b, a);
        }
        double alphaA = 1 + a.clicks();
        double betaA = 1 + a.impressions() - a.clicks();
        double alphaB = 1 + b.clicks();
        double betaB = 1 + b.impressions() - b.clicks();
        double logBetaB = Beta.logBeta(alphaB, betaB);
        double total = 0;
        for (int i = 0; i < alphaA; i++) {
            total += Math.exp(Beta.logBeta(alphaB + i, betaB + betaA) - Math.log(betaA + i)
                    - Beta.logBeta(1 + i, betaA) - logBetaB);
        }
        return Math.min(1, Math.max(0, total));
    }
}
