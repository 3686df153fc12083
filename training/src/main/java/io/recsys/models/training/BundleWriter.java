package io.recsys.models.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.models.bundle.BundleManifest;
import io.recsys.models.bundle.EmbeddingsFile;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.drift.FeatureDistribution;
import io.recsys.models.retrieval.HnswIndex;
import io.recsys.models.retrieval.ItemEmbeddings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Writes a bundle directory: models first, then the manifest with their checksums, then one atomic rename. */
public final class BundleWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the manifest says about the training run. */
    public record Description(String version, String dataset, int registryVersion, List<String> rankingFeatures,
                              int rerankHead, long trainedFrom, long trainedUntil, Map<String, Object> metrics) {
    }

    /** The embedding model a bundle retrieves with, and the ALS settings its fold-in must reuse. */
    public record Retrieval(ItemEmbeddings items, double alpha, double regularization) {
    }

    private BundleWriter() {
    }

    public static Path write(Path bundlesRoot, Description description, RankingTrainer.Models models)
            throws IOException {
        return write(bundlesRoot, description, models, null);
    }

    /** @param retrieval null for a bundle that ranks trending candidates only */
    public static Path write(Path bundlesRoot, Description description, RankingTrainer.Models models,
                             Retrieval retrieval) throws IOException {
        Path target = bundlesRoot.resolve(description.version());
        if (Files.exists(target)) {
            throw new IOException("bundle " + target + " already exists; versions are immutable");
        }
        Files.createDirectories(bundlesRoot);
        Path staging = Files.createTempDirectory(bundlesRoot, ".staging-" + description.version() + "-");
        models.gbdt().save(staging.resolve(ModelBundle.GBDT_FILE));
        models.reranker().export(staging.resolve(ModelBundle.RERANKER_FILE),
                staging.resolve(ModelBundle.RERANKER_SIDECAR), 1);
        JSON.writeValue(staging.resolve(FeatureDistribution.FILE).toFile(), models.trainingDistribution());
        BundleManifest.Retrieval retrievalSection = null;
        if (retrieval != null) {
            EmbeddingsFile.write(retrieval.items(), staging.resolve(ModelBundle.EMBEDDINGS_FILE));
            HnswIndex.build(retrieval.items(), HnswIndex.Params.defaults()).save(staging.resolve(ModelBundle.ANN_DIR));
            retrievalSection = new BundleManifest.Retrieval("implicit_als", retrieval.items().dimension(),
                    retrieval.items().size(), Map.of("alpha", retrieval.alpha(),
                    "regularization", retrieval.regularization()));
        }
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(staging)) {
            for (Path file : paths.filter(Files::isRegularFile).sorted().toList()) {
                files.put(staging.relativize(file).toString().replace('\\', '/'), ModelBundle.sha256(file));
            }
        }
        BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT_VERSION, description.version(),
                Instant.now().toString(), description.dataset(), description.registryVersion(),
                description.rankingFeatures(), description.rerankHead(),
                Instant.ofEpochMilli(description.trainedFrom()).toString(),
                Instant.ofEpochMilli(description.trainedUntil()).toString(), models.trainingRows(), retrievalSection,
                description.metrics(), files);
        Files.writeString(staging.resolve(BundleManifest.FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
