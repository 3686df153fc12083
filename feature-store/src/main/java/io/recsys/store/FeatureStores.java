package io.recsys.store;

import java.nio.file.Path;

/** Where the store lives when the user names none. */
public final class FeatureStores {

    private FeatureStores() {
    }

    /**
     * The embedded H2 store under a data directory. AUTO_SERVER lets a second process (say {@code features get}
     * while a demo runs) open the same files.
     */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("store").resolve("features")
                + ";AUTO_SERVER=TRUE";
    }

    public static String urlOrEmbedded(String storeUrl, Path dataDir) {
        return storeUrl == null || storeUrl.isBlank() ? embeddedUrl(dataDir) : storeUrl;
    }
}
