/**
 * The feature store: what the feature job writes and the API, training and tools read.
 *
 * <p>Consumers depend on the contracts only, each small enough for another backend to implement:
 * <ul>
 *   <li>{@link io.recsys.store.OnlineStore}: features as of now, newest rows, the change feed, trending (serving);
 *   <li>{@link io.recsys.store.OfflineStore}: point-in-time reads (training, evaluation, feature history);
 *   <li>{@link io.recsys.store.FeatureWriter}: batched idempotent writes and their durability (the Flink sink);
 *   <li>{@link io.recsys.store.ItemCatalogue}: item attributes;
 *   <li>{@link io.recsys.store.Retention}: deleting history the windows no longer need.
 * </ul>
 * A {@link io.recsys.store.FeatureStore} hands them out, and {@link io.recsys.store.FeatureStores#open} is the one
 * place one is built. Every backend passes the same contract test ({@code FeatureStoreContractTest}).
 *
 * <p>The JDBC backend ({@link io.recsys.store.JdbcFeatureStore}: PostgreSQL, or embedded H2) implements each contract
 * in a package-private class of its own ({@code JdbcOnlineStore}, {@code JdbcOfflineStore},
 * {@code JdbcFeatureWriter}, {@code JdbcItemCatalogue}, {@code JdbcRetention}) on one {@code JdbcPool}; the tables'
 * layouts are {@code SegmentLog} ({@code feature_segments}) and {@code LatestRows} ({@code feature_latest}), and the
 * SQL that differs between the two databases is {@code Dialect}'s. No feature maths lives here: turning rows into
 * features, trending's decay included, is {@code FeatureDerivation}'s.
 */
package io.recsys.store;
