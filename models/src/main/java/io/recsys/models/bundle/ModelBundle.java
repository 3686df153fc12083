package io.recsys.models.bundle;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.models.drift.FeatureDistribution;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.OnnxReranker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.HnswIndex;
import io.recsys.models.retrieval.ItemEmbeddings;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.retrieval.embedding.UserFoldIn;
import io.recsys.schema.feature.FeatureRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One loaded model version: the ranking feature spec, the GBDT and the ONNX reranker. Loading checks everything a
 * server needs before it may swap this bundle in, so a bad bundle is refused with a reason instead of failing
 * requests later.
 */
public final class ModelBundle implements AutoCloseable {

    // A bundle directory's layout: the training module's BundleWriter writes what load() reads.
    public static final String GBDT_FILE = "gbdt.tribuo";
    public static final String RERANKER_FILE = "reranker.onnx";
    public static final String RERANKER_SIDECAR = "reranker.json";
    public static final String EMBEDDINGS_FILE = "embeddings.bin";
    public static final String ANN_DIR = "ann";
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path directory;
    private final BundleManifest manifest;
    private final RankingFeatures features;
    private final GbdtRanker gbdt;
    private final OnnxReranker reranker;
    private final RetrievalModel retrieval;
    private final FeatureDistribution trainingDistribution;

    private ModelBundle(Path directory, BundleManifest manifest, RankingFeatures features, GbdtRanker gbdt,
                        FeatureDistribution trainingDistribution,
                        OnnxReranker reranker, RetrievalModel retrieval) {
        this.directory = directory;
        this.manifest = manifest;
        this.features = features;
        this.gbdt = gbdt;
        this.reranker = reranker;
        this.retrieval = retrieval;
        this.trainingDistribution = trainingDistribution;
    }

    public static ModelBundle load(Path directory, FeatureRegistry registry) throws BundleException {
        BundleManifest manifest = readManifest(directory);
        if (manifest.formatVersion() != BundleManifest.FORMAT_VERSION) {
            throw new BundleException("bundle " + directory + " has format version " + manifest.formatVersion()
                    + "; this build reads version " + BundleManifest.FORMAT_VERSION);
        }
        if (manifest.registryVersion() != registry.version()) {
            throw new BundleException("bundle " + directory + " was trained against feature registry version "
                    + manifest.registryVersion() + ", but the registry in use is version " + registry.version());
        }
        verifyChecksums(directory, manifest.files());
        RankingFeatures features;
        try {
            features = RankingFeatures.of(manifest.rankingFeatures());
        } catch (IllegalArgumentException e) {
            throw new BundleException("bundle " + directory + " has an incompatible feature spec: " + e.getMessage());
        }
        GbdtRanker gbdt;
        RetrievalModel retrieval;
        try {
            gbdt = GbdtRanker.load(directory.resolve(GBDT_FILE), features.names());
            retrieval = manifest.retrieval() == null ? null : loadRetrieval(directory, manifest.retrieval());
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException("bundle " + directory + " cannot be loaded: " + e.getMessage(), e);
        }
        OnnxReranker reranker;
        try {
            reranker = OnnxReranker.load(directory.resolve(RERANKER_FILE), directory.resolve(RERANKER_SIDECAR),
                    features.names());
        } catch (IOException e) {
            throw new BundleException("bundle " + directory + " cannot be loaded: " + e.getMessage(), e);
        }
        return new ModelBundle(directory, manifest, features, gbdt, trainingDistribution(directory, manifest, features),
                reranker, retrieval);
    }

    /** Bundles written before drift was measured have no distribution: drift is then not exported for them. */
    private static FeatureDistribution trainingDistribution(Path directory, BundleManifest manifest,
                                                            RankingFeatures features) throws BundleException {
        if (!manifest.files().containsKey(FeatureDistribution.FILE)) {
            return null;
        }
        FeatureDistribution distribution;
        try {
            distribution = JSON.readValue(directory.resolve(FeatureDistribution.FILE).toFile(),
                    FeatureDistribution.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException("bundle " + directory + ": " + FeatureDistribution.FILE + " cannot be read: "
                    + e.getMessage(), e);
        }
        List<String> names = distribution.features().stream().map(FeatureDistribution.Feature::name).toList();
        if (!names.equals(features.names())) {
            throw new BundleException("bundle " + directory + ": " + FeatureDistribution.FILE + " describes "
                    + names + ", the ranking features are " + features.names());
        }
        return distribution;
    }

    private static RetrievalModel loadRetrieval(Path directory, BundleManifest.Retrieval section) throws IOException {
        ItemEmbeddings items = EmbeddingsFile.read(directory.resolve(EMBEDDINGS_FILE));
        if (items.dimension() != section.dimension() || items.size() != section.items()) {
            throw new IOException("embeddings are " + items.size() + " x " + items.dimension() + ", the manifest says "
                    + section.items() + " x " + section.dimension());
        }
        double alpha = ((Number) section.parameters().get("alpha")).doubleValue();
        double regularization = ((Number) section.parameters().get("regularization")).doubleValue();
        return new RetrievalModel(items, HnswIndex.load(directory.resolve(ANN_DIR)),
                new UserFoldIn(items, alpha, regularization));
    }

    static BundleManifest readManifest(Path directory) throws BundleException {
        Path file = directory.resolve(BundleManifest.FILE);
        if (!Files.isRegularFile(file)) {
            throw new BundleException("no bundle at " + directory + ": " + BundleManifest.FILE + " is missing");
        }
        BundleManifest manifest;
        try {
            manifest = JSON.readValue(file.toFile(), BundleManifest.class);
        } catch (IOException e) {
            throw new BundleException("bundle manifest " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (manifest.version() == null || manifest.files() == null || manifest.rankingFeatures() == null) {
            throw new BundleException("bundle manifest " + file + " lacks version, files or ranking_features");
        }
        return manifest;
    }

    private static void verifyChecksums(Path directory, Map<String, String> files) throws BundleException {
        for (String required : new String[]{GBDT_FILE, RERANKER_FILE, RERANKER_SIDECAR}) {
            if (!files.containsKey(required)) {
                throw new BundleException("bundle " + directory + " does not list " + required + " in its manifest");
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = directory.resolve(file.getKey()).normalize();
            if (!path.startsWith(directory.normalize())) {
                throw new BundleException("bundle " + directory + " lists a file outside itself: " + file.getKey());
            }
            String actual;
            try {
                actual = sha256(path);
            } catch (NoSuchFileException e) {
                throw new BundleException("bundle " + directory + " is missing " + file.getKey());
            } catch (IOException e) {
                throw new BundleException("bundle " + directory + ": cannot read " + file.getKey(), e);
            }
            if (!actual.equals(file.getValue())) {
                throw new BundleException("bundle " + directory + " is corrupt: " + file.getKey()
                        + " has SHA-256 " + actual + ", the manifest says " + file.getValue());
            }
        }
    }

    /** The checksum the manifest records for each file, and {@link #load} checks. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public Path directory() {
        return directory;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public String version() {
        return manifest.version();
    }

    public RankingFeatures features() {
        return features;
    }

    public GbdtRanker gbdt() {
        return gbdt;
    }

    public OnnxReranker reranker() {
        return reranker;
    }

    /** Empty for a bundle that ranks trending candidates only. */
    /** How the ranking features were distributed in training; empty for bundles written before it was kept. */
    public Optional<FeatureDistribution> trainingDistribution() {
        return Optional.ofNullable(trainingDistribution);
    }

    public Optional<RetrievalModel> retrieval() {
        return Optional.ofNullable(retrieval);
    }

    @Override
    public void close() throws OrtException {
        reranker.close();
    }
}
