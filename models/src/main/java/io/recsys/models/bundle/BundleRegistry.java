package io.recsys.models.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bundles under one directory (one subdirectory per version) and which one is current, recorded in the file
 * {@value #CURRENT} so a server and the CLI agree on it. Promoting rewrites that file atomically.
 */
public final class BundleRegistry {

    public static final String CURRENT = "CURRENT";
    /**
     * The learning loop's journal of decisions, one JSON object a line, beside the bundles: the loop (training)
     * writes it, the API shows its tail. Named here so the API need not depend on the training module.
     */
    public static final String LOOP_JOURNAL_FILE = "loop-journal.jsonl";

    private final Path root;

    public BundleRegistry(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Every directory with a readable manifest, oldest first. */
    public List<BundleManifest> list() throws IOException {
        List<BundleManifest> manifests = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return manifests;
        }
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
                if (child.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try {
                    manifests.add(ModelBundle.readManifest(child));
                } catch (BundleException e) {
                    // a directory that is not a bundle is not listed; loading it by name says why
                }
            }
        }
        manifests.sort(Comparator.comparing(BundleManifest::createdAt));
        return manifests;
    }

    public Optional<String> current() throws IOException {
        Path file = root.resolve(CURRENT);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String version = Files.readString(file).trim();
        return version.isEmpty() ? Optional.empty() : Optional.of(version);
    }

    public Path path(String version) {
        if (version.isBlank() || version.contains("/") || version.contains("\\") || version.startsWith(".")) {
            throw new IllegalArgumentException("'" + version + "' is not a bundle version name");
        }
        return root.resolve(version);
    }

    public void promote(String version) throws IOException, BundleException {
        ModelBundle.readManifest(path(version));
        Path staging = Files.createTempFile(root, ".current-", ".tmp");
        Files.writeString(staging, version + "\n");
        Files.move(staging, root.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
