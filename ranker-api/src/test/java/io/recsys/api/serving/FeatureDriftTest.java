package io.recsys.api.serving;

import io.prometheus.client.CollectorRegistry;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.training.SyntheticBundles;
import io.recsys.models.training.SyntheticLists;
import io.recsys.schema.feature.FeatureRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class FeatureDriftTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final List<String> FEATURES = RankingFeatures.all().names();
    /** The rows SyntheticBundles trains seed 3's bundle on. */
    private static final double[][] TRAINING_ROWS = SyntheticLists.rows(SyntheticLists.generate(100, 10, 3));

    @TempDir
    static Path root;
    private static ModelBundle bundle;
    private static ModelBundle other;

    private long nanos;
    private final FeatureDrift drift = new FeatureDrift(() -> nanos);
    private final CollectorRegistry registry = new CollectorRegistry();

    @BeforeAll
    static void bundles() throws Exception {
        bundle = ModelBundle.load(SyntheticBundles.write(root, "v1", 3, REGISTRY.version()), REGISTRY);
        other = ModelBundle.load(SyntheticBundles.write(root, "v2", 4, REGISTRY.version()), REGISTRY);
    }

    @AfterAll
    static void close() throws Exception {
        bundle.close();
        other.close();
    }

    FeatureDriftTest() {
        drift.register(registry);
    }

    /** Columns of the given rows, all of them served. */
    private void serve(ModelBundle served, double[][] rows) {
        float[][] columns = new float[FEATURES.size()][rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int f = 0; f < FEATURES.size(); f++) {
                columns[f][i] = (float) rows[i][f];
            }
        }
        drift.record(served, columns, IntStream.range(0, rows.length).toArray());
    }

    private Double psi(String feature) {
        return registry.getSampleValue("recsys_feature_drift_psi", new String[]{"feature"}, new String[]{feature});
    }

    @Test
    void servingTheTrainingRowsAgainShowsNoDrift() {
        serve(bundle, TRAINING_ROWS);

        for (String feature : FEATURES) {
            assertThat(psi(feature)).as(feature).isLessThan(0.01);
        }
    }

    @Test
    void aFeatureThatMovedPastEveryTrainingValueShowsAShift() {
        double[][] shifted = Arrays.stream(TRAINING_ROWS).map(double[]::clone).toArray(double[][]::new);
        for (double[] row : shifted) {
            row[0] = 1e6;
        }

        serve(bundle, shifted);

        assertThat(psi(FEATURES.get(0))).isGreaterThan(0.25);
        assertThat(psi(FEATURES.get(1))).isLessThan(0.01);
    }

    @Test
    void tooFewServedItemsGiveNoIndexYet() {
        drift.follow(bundle);
        assertThat(psi(FEATURES.get(0))).as("before anything is served").isNaN();

        serve(bundle, Arrays.copyOf(TRAINING_ROWS, (int) FeatureDrift.MIN_ROWS - 1));

        assertThat(psi(FEATURES.get(0))).isNaN();
        assertThat(registry.getSampleValue("recsys_feature_drift_rows", new String[]{"model_version"},
                new String[]{"v1"})).isEqualTo(FeatureDrift.MIN_ROWS - 1.0);
    }

    @Test
    void whatWasServedAWindowAgoNoLongerCounts() {
        serve(bundle, TRAINING_ROWS);
        nanos += FeatureDrift.WINDOW.toNanos() / 2;
        serve(bundle, TRAINING_ROWS);
        assertThat(rows("v1")).isEqualTo(2.0 * TRAINING_ROWS.length);

        nanos += FeatureDrift.WINDOW.toNanos() / 2;
        assertThat(rows("v1")).as("half a window later the first half is gone").isEqualTo(TRAINING_ROWS.length);

        nanos += FeatureDrift.WINDOW.toNanos();
        assertThat(rows("v1")).as("a quiet window later nothing is left").isZero();
    }

    @Test
    void anotherControlBundleIsMeasuredAgainstItsOwnTrainingFromZero() {
        serve(bundle, TRAINING_ROWS);

        drift.follow(other);

        assertThat(rows("v2")).isZero();
        assertThat(rows("v1")).as("the old bundle's series is gone").isNull();
    }

    private Double rows(String version) {
        return registry.getSampleValue("recsys_feature_drift_rows", new String[]{"model_version"},
                new String[]{version});
    }
}
