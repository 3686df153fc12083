package io.recsys.models.training;

import io.recsys.models.bundle.BundleException;
import io.recsys.models.bundle.BundleManifest;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.schema.feature.FeatureRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelBundleTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final RankingTrainer.Models MODELS = RankingTrainer.train(RankingFeatures.all().names(),
            SyntheticLists.generate(200, 20, 4), GbdtRanker.Params.DEFAULT, FmReranker.Params.DEFAULT, 0.3);

    private static Path write(Path root, String version) throws Exception {
        return BundleWriter.write(root, new BundleWriter.Description(version, "synthetic", REGISTRY.version(),
                RankingFeatures.all().names(), 10, 0, 1000, Map.of("auc", 0.7)), MODELS);
    }

    @Test
    void aWrittenBundleLoadsAndScoresLikeTheModelsItWasWrittenFrom(@TempDir Path root) throws Exception {
        Path dir = write(root, "v1");
        double[][] rows = SyntheticLists.rows(SyntheticLists.generate(2, 10, 8));
        try (ModelBundle bundle = ModelBundle.load(dir, REGISTRY)) {
            assertThat(bundle.version()).isEqualTo("v1");
            assertThat(bundle.gbdt().score(rows)).containsExactly(MODELS.gbdt().score(rows));
            assertThat(bundle.reranker().score(rows, bundle.gbdt().score(rows))).hasSize(rows.length);
            assertThat(bundle.manifest().metrics()).containsEntry("auc", 0.7);
        }
    }

    @Test
    void aBundleKeepsTheDistributionOfItsTrainingFeaturesForDrift(@TempDir Path root) throws Exception {
        try (ModelBundle bundle = ModelBundle.load(write(root, "v1"), REGISTRY)) {
            assertThat(bundle.trainingDistribution()).isPresent();
            assertThat(bundle.trainingDistribution().get().features())
                    .extracting(feature -> feature.name()).containsExactlyElementsOf(RankingFeatures.all().names());
            assertThat(bundle.trainingDistribution().get().features().get(0).shares())
                    .containsExactly(MODELS.trainingDistribution().features().get(0).shares());
        }
    }

    @Test
    void aBundleWrittenBeforeDriftWasMeasuredStillLoads(@TempDir Path root) throws Exception {
        Path dir = write(root, "v1");
        Path manifest = dir.resolve(BundleManifest.FILE);
        Files.writeString(manifest, Files.readString(manifest)
                .replaceAll("\\s*\"feature-distribution.json\" : \"[0-9a-f]+\",", ""));
        Files.delete(dir.resolve("feature-distribution.json"));

        try (ModelBundle bundle = ModelBundle.load(dir, REGISTRY)) {
            assertThat(bundle.trainingDistribution()).isEmpty();
        }
    }

    @Test
    void aCorruptModelFileIsRefusedWithItsName(@TempDir Path root) throws Exception {
        Path dir = write(root, "v1");
        byte[] bytes = Files.readAllBytes(dir.resolve(ModelBundle.GBDT_FILE));
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(dir.resolve(ModelBundle.GBDT_FILE), bytes);

        assertThatThrownBy(() -> ModelBundle.load(dir, REGISTRY))
                .isInstanceOf(BundleException.class).hasMessageContaining("corrupt").hasMessageContaining("gbdt");
    }

    @Test
    void aTruncatedRerankerIsRefused(@TempDir Path root) throws Exception {
        Path dir = write(root, "v1");
        byte[] bytes = Files.readAllBytes(dir.resolve(ModelBundle.RERANKER_FILE));
        Files.write(dir.resolve(ModelBundle.RERANKER_FILE), java.util.Arrays.copyOf(bytes, bytes.length / 3));

        assertThatThrownBy(() -> ModelBundle.load(dir, REGISTRY))
                .isInstanceOf(BundleException.class).hasMessageContaining("reranker.onnx");
    }

    @Test
    void aBundleTrainedOnAFeatureThisBuildDoesNotKnowIsRefused(@TempDir Path root) throws Exception {
        Path dir = write(root, "v1");
        Path manifest = dir.resolve(BundleManifest.FILE);
        Files.writeString(manifest, Files.readString(manifest).replace("\"item.ctr_all\"", "\"item.ctr_7d\""));

        assertThatThrownBy(() -> ModelBundle.load(dir, REGISTRY))
                .isInstanceOf(BundleException.class).hasMessageContaining("incompatible feature spec")
                .hasMessageContaining("item.ctr_7d");
    }

    @Test
    void aMissingDirectoryIsRefusedClearly(@TempDir Path root) {
        assertThatThrownBy(() -> ModelBundle.load(root.resolve("nope"), REGISTRY))
                .isInstanceOf(BundleException.class).hasMessageContaining("manifest.json is missing");
    }

    @Test
    void theRegistryListsBundlesAndPromotesOneAtomically(@TempDir Path root) throws Exception {
        write(root, "v1");
        write(root, "v2");
        BundleRegistry registry = new BundleRegistry(root);
        assertThat(registry.current()).isEmpty();

        registry.promote("v2");

        assertThat(registry.list()).extracting(BundleManifest::version).containsExactly("v1", "v2");
        assertThat(registry.current()).contains("v2");
        assertThatThrownBy(() -> registry.promote("v3")).isInstanceOf(BundleException.class);
        assertThatThrownBy(() -> registry.path("../etc")).isInstanceOf(IllegalArgumentException.class);
    }
}
