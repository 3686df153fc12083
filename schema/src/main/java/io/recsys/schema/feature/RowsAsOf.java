package io.recsys.schema.feature;

import java.time.Duration;
import java.util.Map;

/**
 * What the feature log says about one entity as of t: the latest row with ts &lt; t, and for each window W the
 * latest row with ts &lt; t - W. Either may be null (no events yet).
 */
public record RowsAsOf(FeatureRow latest, Map<Duration, FeatureRow> windowStarts) {

    public static final RowsAsOf EMPTY = new RowsAsOf(null, Map.of());

    public Counters latestCounters() {
        return latest == null ? Counters.ZERO : latest.counters();
    }

    public Counters startOf(Duration window) {
        FeatureRow row = windowStarts.get(window);
        return row == null ? Counters.ZERO : row.counters();
    }
}
