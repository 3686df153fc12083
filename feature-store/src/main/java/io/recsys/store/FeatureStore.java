package io.recsys.store;

/**
 * One opened feature store, handing out its contracts; {@link FeatureStores#open} builds it from a URL. A consumer
 * takes the contract it needs (serving an {@link OnlineStore}, training an {@link OfflineStore}, the Flink sink a
 * {@link FeatureWriter}), never the store or a backend's class, so that every backend passes one contract test and
 * any of them can serve.
 *
 * <p>The contracts share the store's resources (for JDBC, one connection pool) and stop working when it is closed.
 */
public interface FeatureStore extends AutoCloseable {

    /** Features as of now, newest rows, the change feed and the trending list. */
    OnlineStore online();

    /** Point-in-time reads. */
    OfflineStore offline();

    /** Batched idempotent writes and their durability. */
    FeatureWriter writer();

    /** Item attributes. */
    ItemCatalogue catalogue();

    /** Deleting history older than the registry's retention. */
    Retention retention();

    @Override
    void close();
}
