package io.recsys.schema.feature;

import java.io.Serializable;

/**
 * Cumulative aggregates of one entity through (and including) some event time. Windowed counts are differences
 * of two of these, which is what makes a window over [t - W, t) exact at any t.
 *
 * @param examinations  sum over impressions of the position propensity (see {@link FeatureRegistry#propensity})
 * @param decayedClicks clicks decayed with the registry's half-life, valued at the row's own time
 * @param firstSeen     event time of the entity's first event, epoch ms
 */
public record Counters(long impressions, long clicks, long views, long addToCarts, long purchases,
                       double examinations, double decayedClicks, long firstSeen) implements Serializable {

    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0.0, 0.0, Long.MAX_VALUE);

    /** Adds the events of one instant {@code ts}, decaying the popularity from {@code previousTs} first. */
    public Counters advance(long previousTs, long ts, Delta delta, double halfLifeMillis) {
        double decayed = decayedClicks == 0.0 ? 0.0 : decayedClicks * decayFactor(ts - previousTs, halfLifeMillis);
        return new Counters(impressions + delta.impressions(), clicks + delta.clicks(), views + delta.views(),
                addToCarts + delta.addToCarts(), purchases + delta.purchases(),
                examinations + delta.examinations(), decayed + delta.clicks(), Math.min(firstSeen, ts));
    }

    /**
     * Adds the events of an instant {@code deltaTs} that lies before this row's own time {@code rowTs}: the
     * counters of a row include everything up to its time, whatever order it arrived in.
     */
    public Counters plusEarlier(Delta delta, long deltaTs, long rowTs, double halfLifeMillis) {
        return new Counters(impressions + delta.impressions(), clicks + delta.clicks(), views + delta.views(),
                addToCarts + delta.addToCarts(), purchases + delta.purchases(), examinations + delta.examinations(),
                decayedClicks + delta.clicks() * decayFactor(rowTs - deltaTs, halfLifeMillis),
                Math.min(firstSeen, deltaTs));
    }

    public static double decayFactor(long elapsedMillis, double halfLifeMillis) {
        return elapsedMillis <= 0 ? 1.0 : Math.pow(0.5, elapsedMillis / halfLifeMillis);
    }
}
