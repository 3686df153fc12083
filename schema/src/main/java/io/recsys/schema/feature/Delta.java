package io.recsys.schema.feature;

import java.io.Serializable;

/** What the events of one entity at one instant add to its {@link Counters}. */
public record Delta(long impressions, long clicks, long views, long addToCarts, long purchases, double examinations)
        implements Serializable {

    public static final Delta NONE = new Delta(0, 0, 0, 0, 0, 0.0);

    public Delta plus(Delta other) {
        return new Delta(impressions + other.impressions, clicks + other.clicks, views + other.views,
                addToCarts + other.addToCarts, purchases + other.purchases, examinations + other.examinations);
    }
}
