package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.OfflineStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An entity's numeric feature values over the last minutes, from the store's point-in-time log: each point is what
 * a read at that instant returns, so the history is exact and needs nothing kept in memory. The log holds final
 * seconds only (the watermark must pass them, about 2 s), so the newest point trails the served values by that.
 */
public final class FeatureHistory {

    public static final Duration MAX_SPAN = Duration.ofHours(24);
    public static final int MAX_POINTS = 240;

    /** The points' instants (epoch seconds, oldest first) and each numeric feature's value at them. */
    public record Series(EntityKey entity, double[] at, Map<String, double[]> features) {
    }

    private final OfflineStore store;

    public FeatureHistory(OfflineStore store) {
        this.store = store;
    }

    /**
     * {@code points} instants evenly spread over {@code span} ending at {@code endMillis}, read in one batch.
     *
     * @throws IllegalArgumentException when span or points are outside what a chart needs
     */
    public Series read(EntityKey entity, long endMillis, Duration span, int points) {
        if (span.isNegative() || span.isZero() || span.compareTo(MAX_SPAN) > 0) {
            throw new IllegalArgumentException("the history spans more than 0 and at most " + MAX_SPAN.toHours()
                    + " hours, not " + span);
        }
        if (points < 2 || points > MAX_POINTS) {
            throw new IllegalArgumentException("a history has 2 to " + MAX_POINTS + " points, not " + points);
        }
        long step = span.toMillis() / (points - 1);
        List<OfflineStore.PointInTimeQuery> queries = new ArrayList<>(points);
        for (int i = 0; i < points; i++) {
            queries.add(new OfflineStore.PointInTimeQuery(entity, endMillis - (points - 1 - i) * step));
        }
        return columns(entity, store.readAsOf(queries));
    }

    /** The vectors' numeric values as one column per feature; a feature missing at a point is NaN there. */
    static Series columns(EntityKey entity, List<FeatureVector> vectors) {
        double[] at = new double[vectors.size()];
        Map<String, double[]> features = new LinkedHashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            FeatureVector vector = vectors.get(i);
            at[i] = vector.at() / 1000.0;
            for (Map.Entry<String, Object> value : vector.values().entrySet()) {
                if (value.getValue() instanceof Number number) {
                    features.computeIfAbsent(value.getKey(), name -> {
                        double[] column = new double[vectors.size()];
                        java.util.Arrays.fill(column, Double.NaN);
                        return column;
                    })[i] = number.doubleValue();
                }
            }
        }
        return new Series(entity, at, features);
    }
}
