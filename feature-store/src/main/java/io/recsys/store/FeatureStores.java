package io.recsys.store;

import io.recsys.schema.feature.FeatureRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Where a feature store is built: the backend is chosen by the URL ({@code jdbc:postgresql:} or {@code jdbc:h2:}:
 * the JDBC store), and where the store lives when the user names none.
 */
public final class FeatureStores {

    /** Connections in the pool unless the caller says otherwise. */
    static final int DEFAULT_POOL_SIZE = 4;

    /** How long a call waits for a pooled connection unless the caller says otherwise. */
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    private FeatureStores() {
    }

    /** The store at {@code url} on the system clock, with a pool of 4 connections. */
    public static FeatureStore open(String url, FeatureRegistry registry) {
        return open(url, registry, Clock.systemUTC(), DEFAULT_POOL_SIZE);
    }

    /** @param clock stamps every write ({@code written_at}) and is "now" for online reads and trending */
    public static FeatureStore open(String url, FeatureRegistry registry, Clock clock, int poolSize) {
        return open(url, registry, clock, poolSize, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * @param connectionTimeout how long a read or write waits for a connection before it fails with
     *                          {@link StoreUnavailableException}. While the database is down every call waits this
     *                          long, so a request path that can serve without the store wants it short. Opening
     *                          the store still waits up to 10 s for the database.
     * @throws StoreUnavailableException the database cannot be reached
     * @throws IllegalArgumentException  no backend serves the URL
     */
    public static FeatureStore open(String url, FeatureRegistry registry, Clock clock, int poolSize,
                                    Duration connectionTimeout) {
        return JdbcFeatureStore.open(url, registry, clock, poolSize, connectionTimeout);
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
