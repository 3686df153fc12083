package io.recsys.schema.feature;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns rows of the feature log into the registered features. This is the only place feature maths lives; the
 * online read, the point-in-time read and training all go through it.
 */
public final class FeatureDerivation {

    private static final double MILLIS_PER_HOUR = 3_600_000.0;

    private final FeatureRegistry registry;

    public FeatureDerivation(FeatureRegistry registry) {
        this.registry = registry;
    }

    public FeatureRegistry registry() {
        return registry;
    }

    /**
     * @param rows           the entity's rows as of {@code t}
     * @param global         the global entity's rows as of {@code t} (prior and position debiasing)
     * @param recent         for users: feedback before t, newest first (ignored otherwise); an item appears once,
     *                       at its newest interaction
     * @param userCategories for users: each category's latest row before t (ignored otherwise)
     */
    public FeatureVector derive(EntityKey entity, long t, RowsAsOf rows, RowsAsOf global,
                                List<Interaction> recent, Map<String, FeatureRow> userCategories) {
        Map<String, Object> values = new LinkedHashMap<>();
        double prior = globalCtr(global, FeatureRegistry.ONE_DAY);
        switch (entity.type()) {
            case ITEM -> deriveItem(t, rows, global, prior, values);
            case USER -> deriveUser(t, rows, recent, userCategories, values);
            case USER_CATEGORY -> {
                putCounts(values, rows, FeatureRegistry.ONE_DAY, "24h");
                values.put("ctr_24h", smoothedCtr(window(rows, FeatureRegistry.ONE_DAY), prior));
                values.put("ctr_all", smoothedCtr(rows.latestCounters(), prior));
            }
            case GLOBAL -> {
                putCounts(values, rows, FeatureRegistry.ONE_HOUR, "1h");
                putCounts(values, rows, FeatureRegistry.ONE_DAY, "24h");
                values.put("ctr_1h", globalCtr(rows, FeatureRegistry.ONE_HOUR));
                values.put("ctr_24h", prior);
            }
        }
        return new FeatureVector(entity, t, ordered(entity.type(), values));
    }

    /**
     * Whether an entity's features follow from its rows and the global entity's alone: all but users', whose recent
     * items and category affinity come from their interactions.
     */
    public static boolean derivesFromRowsAlone(EntityType type) {
        return type != EntityType.USER;
    }

    /** The registry's defaults, served when the store has no answer (down, slow, or unknown entity). */
    public FeatureVector defaults(EntityKey entity, long t) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FeatureDefinition f : registry.features(entity.type())) {
            values.put(f.name(), f.defaultValue());
        }
        return new FeatureVector(entity, t, values);
    }

    private void deriveItem(long t, RowsAsOf rows, RowsAsOf global, double prior, Map<String, Object> values) {
        Counters day = window(rows, FeatureRegistry.ONE_DAY);
        Counters shortWindow = window(rows, registry.shortWindow());
        values.put("impressions_short", shortWindow.impressions());
        values.put("clicks_short", shortWindow.clicks());
        putCounts(values, rows, FeatureRegistry.ONE_HOUR, "1h");
        putCounts(values, rows, FeatureRegistry.ONE_DAY, "24h");
        values.put("views_24h", day.views());
        values.put("ctr_1h", smoothedCtr(window(rows, FeatureRegistry.ONE_HOUR), prior));
        values.put("ctr_24h", smoothedCtr(day, prior));
        values.put("ctr_all", smoothedCtr(rows.latestCounters(), prior));
        Counters globalDay = window(global, FeatureRegistry.ONE_DAY);
        double clicksPerExamination = globalDay.examinations() > 0
                ? globalDay.clicks() / globalDay.examinations() : registry.defaultGlobalCtr();
        values.put("debiased_ctr_24h", (day.clicks() + 1.0) / (day.examinations() * clicksPerExamination + 1.0));
        values.put("popularity", popularity(rows.latest(), t));
        double shortHours = registry.shortWindow().toMillis() / MILLIS_PER_HOUR;
        values.put("trend", Math.log((shortWindow.clicks() + 1.0) / shortHours) - Math.log((day.clicks() + 1.0) / 24.0));
        Counters all = rows.latestCounters();
        boolean seen = all.firstSeen() != Long.MAX_VALUE;
        values.put("first_seen", seen ? Instant.ofEpochMilli(all.firstSeen()).toString() : null);
        values.put("age_hours", seen ? (t - all.firstSeen()) / MILLIS_PER_HOUR : -1.0);
    }

    private void deriveUser(long t, RowsAsOf rows, List<Interaction> recent, Map<String, FeatureRow> userCategories,
                            Map<String, Object> values) {
        values.put("clicks_1h", window(rows, FeatureRegistry.ONE_HOUR).clicks());
        values.put("clicks_24h", window(rows, FeatureRegistry.ONE_DAY).clicks());
        values.put("views_24h", window(rows, FeatureRegistry.ONE_DAY).views());
        values.put("clicks_all", rows.latestCounters().clicks());
        List<Map<String, Object>> items = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Interaction interaction : recent) {
            if (items.size() == registry.recentItems()) {
                break;
            }
            if (!seen.add(interaction.itemId())) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("item_id", interaction.itemId());
            entry.put("type", interaction.type());
            entry.put("time", Instant.ofEpochMilli(interaction.ts()).toString());
            items.add(entry);
        }
        values.put("recent_items", items);
        Map<String, Double> decayed = new TreeMap<>();
        double total = 0;
        for (Map.Entry<String, FeatureRow> e : userCategories.entrySet()) {
            double value = popularity(e.getValue(), t);
            if (value > 0) {
                decayed.put(e.getKey(), value);
                total += value;
            }
        }
        Map<String, Object> affinity = new TreeMap<>();
        for (Map.Entry<String, Double> e : decayed.entrySet()) {
            affinity.put(e.getKey(), e.getValue() / total);
        }
        values.put("category_affinity", affinity);
    }

    private static void putCounts(Map<String, Object> values, RowsAsOf rows, Duration window, String suffix) {
        Counters counts = window(rows, window);
        values.put("impressions_" + suffix, counts.impressions());
        values.put("clicks_" + suffix, counts.clicks());
    }

    /**
     * Events in [t - window, t): the difference of two cumulative rows. If the start row's series began before
     * the end row's, the entity's state expired in between and its counters started again from zero (see the
     * feature job's user state TTL): nothing of the old series lies in the window, so nothing is subtracted.
     */
    static Counters window(RowsAsOf rows, Duration window) {
        Counters end = rows.latestCounters();
        Counters startRow = rows.startOf(window);
        Counters start = startRow.firstSeen() < end.firstSeen() ? Counters.ZERO : startRow;
        return new Counters(end.impressions() - start.impressions(), end.clicks() - start.clicks(),
                end.views() - start.views(), end.addToCarts() - start.addToCarts(),
                end.purchases() - start.purchases(), end.examinations() - start.examinations(), 0.0,
                end.firstSeen());
    }

    private double globalCtr(RowsAsOf global, Duration window) {
        Counters counts = window(global, window);
        return counts.impressions() > 0 ? (double) counts.clicks() / counts.impressions() : registry.defaultGlobalCtr();
    }

    /** Beta(m·p, m·(1-p)) posterior mean: m = prior_strength, p = the global CTR. */
    private double smoothedCtr(Counters counts, double prior) {
        double m = registry.priorStrength();
        return (counts.clicks() + m * prior) / (counts.impressions() + m);
    }

    private double popularity(FeatureRow row, long t) {
        return row == null ? 0.0 : popularity(row.counters().decayedClicks(), row.ts(), t);
    }

    /**
     * An entity's popularity at {@code t}: the decayed clicks of its row at {@code rowTs}, decayed on with the
     * registry's half-life to {@code t} (never grown, for a row after t). The {@code popularity} feature, category
     * affinity and the store's trending list all value clicks with it.
     */
    public double popularity(double decayedClicks, long rowTs, long t) {
        return decayedClicks == 0.0 ? 0.0 : decayedClicks * Counters.decayFactor(t - rowTs, registry.halfLifeMillis());
    }

    private Map<String, Object> ordered(EntityType type, Map<String, Object> values) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (FeatureDefinition f : registry.features(type)) {
            if (!values.containsKey(f.name())) {
                throw new IllegalStateException("registered feature " + type.wireName() + "." + f.name()
                        + " has no derivation");
            }
            ordered.put(f.name(), values.get(f.name()));
        }
        if (ordered.size() != values.size()) {
            throw new IllegalStateException("derived features not in the registry: " + values.keySet());
        }
        return ordered;
    }
}
