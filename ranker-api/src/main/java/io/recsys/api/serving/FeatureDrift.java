package io.recsys.api.serving;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.drift.FeatureDistribution;
import io.recsys.models.drift.PopulationStability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * How far the features of what the control arm serves have moved from what its bundle was trained on: the
 * population stability index per ranking feature ({@code recsys_feature_drift_psi{feature}}) over the items served
 * in the last {@link #WINDOW}, against the bundle's {@link FeatureDistribution}. The treatment arm is left out: its
 * items are chosen by another model, so their features differ by design.
 *
 * <p>Counts live in two half-window generations, so the window slides by halves without keeping rows. Until
 * {@link #MIN_ROWS} items were served in the window the index is NaN: a few rows would read as a shift. A reload to
 * another control bundle starts the counts afresh against its own distribution; a bundle written without one
 * exports nothing.
 */
public final class FeatureDrift extends Collector {

    static final Duration WINDOW = Duration.ofMinutes(10);
    static final long MIN_ROWS = 500;

    /** The counts for one control bundle: per feature a run of bins in one flat array, by generation. */
    private static final class Counts {
        final String version;
        final FeatureDistribution distribution;
        final int[] offsets;
        final int size;
        volatile AtomicLongArray current;
        volatile AtomicLongArray previous;
        volatile long rotateAt;

        Counts(String version, FeatureDistribution distribution, long now) {
            this.version = version;
            this.distribution = distribution;
            List<FeatureDistribution.Feature> features = distribution.features();
            offsets = new int[features.size()];
            int at = 0;
            for (int f = 0; f < features.size(); f++) {
                offsets[f] = at;
                at += features.get(f).binCount();
            }
            // the last slot of each generation counts rows
            size = at + 1;
            current = new AtomicLongArray(size);
            previous = new AtomicLongArray(size);
            rotateAt = now + WINDOW.toNanos() / 2;
        }

        long rows() {
            return current.get(size - 1) + previous.get(size - 1);
        }
    }

    private final LongSupplier nanoClock;
    private volatile Counts counts;

    public FeatureDrift(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Measures against {@code control} from now on: its features exist on /metrics (NaN) before it serves. */
    public void follow(ModelBundle control) {
        control.trainingDistribution().ifPresent(distribution -> countsFor(control.version(), distribution));
    }

    /**
     * Counts the feature values of the served candidates.
     *
     * @param columns one float column per ranking feature, as the GBDT scored them
     * @param served  the candidates served, by index into the columns
     */
    public void record(ModelBundle bundle, float[][] columns, int[] served) {
        FeatureDistribution distribution = bundle.trainingDistribution().orElse(null);
        if (distribution == null) {
            return;
        }
        Counts at = countsFor(bundle.version(), distribution);
        AtomicLongArray generation = at.current;
        List<FeatureDistribution.Feature> features = distribution.features();
        for (int f = 0; f < features.size(); f++) {
            FeatureDistribution.Feature feature = features.get(f);
            for (int i : served) {
                generation.incrementAndGet(at.offsets[f] + feature.bin(columns[f][i]));
            }
        }
        generation.addAndGet(at.size - 1, served.length);
    }

    private Counts countsFor(String version, FeatureDistribution distribution) {
        long now = nanoClock.getAsLong();
        Counts at = counts;
        if (at == null || !at.version.equals(version)) {
            synchronized (this) {
                at = counts;
                if (at == null || !at.version.equals(version)) {
                    at = new Counts(version, distribution, now);
                    counts = at;
                }
            }
        }
        if (now - at.rotateAt >= 0) {
            synchronized (this) {
                if (now - at.rotateAt >= 0) {
                    // a window without traffic leaves nothing behind: both halves are older than a window
                    boolean idle = now - at.rotateAt >= WINDOW.toNanos() / 2;
                    at.previous = idle ? new AtomicLongArray(at.size) : at.current;
                    at.current = new AtomicLongArray(at.size);
                    at.rotateAt = now + WINDOW.toNanos() / 2;
                }
            }
        }
        return at;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily index = new GaugeMetricFamily("recsys_feature_drift_psi", "Population stability index of"
                + " each ranking feature over the items the control arm served in the last " + WINDOW.toMinutes()
                + " minutes, against the distribution in its bundle's training rows (NaN until " + MIN_ROWS
                + " items were served; above 0.25 is a shift worth retraining for)", List.of("feature"));
        GaugeMetricFamily rows = new GaugeMetricFamily("recsys_feature_drift_rows",
                "Items served by the control arm that the drift index is taken over", List.of("model_version"));
        Counts at = counts;
        if (at != null) {
            // a quiet API still ages its window
            countsFor(at.version, at.distribution);
            long served = at.rows();
            rows.addMetric(List.of(at.version), served);
            List<FeatureDistribution.Feature> features = at.distribution.features();
            for (int f = 0; f < features.size(); f++) {
                FeatureDistribution.Feature feature = features.get(f);
                double psi = Double.NaN;
                if (served >= MIN_ROWS) {
                    long[] bins = new long[feature.binCount()];
                    for (int b = 0; b < bins.length; b++) {
                        bins[b] = at.current.get(at.offsets[f] + b) + at.previous.get(at.offsets[f] + b);
                    }
                    psi = PopulationStability.index(feature.expected(), bins);
                }
                index.addMetric(List.of(feature.name()), psi);
            }
        }
        List<MetricFamilySamples> families = new ArrayList<>(2);
        families.add(index);
        families.add(rows);
        return families;
    }
}
