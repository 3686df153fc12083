package io.recsys.api.serving;

import java.util.Locale;

/** What failed, as the {@code kind} label of {@code recsys_errors_total}. */
public enum ErrorKind {
    /** a reload named a bundle that did not load; the old bundles keep serving */
    BUNDLE_REFUSED,
    /** a refused event could not be written to the dead-letter topic */
    DEAD_LETTER_PUBLISH,
    /** the consumer of the store's change feed failed */
    FEATURE_CHANGE_FEED,
    /** a message on the change feed that is not a change list */
    FEATURE_CHANGE_MESSAGE,
    /** re-reading changed or aged feature values from the store failed */
    FEATURE_REFRESH,
    /** a feature read for a request failed; the request was answered degraded */
    FEATURE_STORE,
    /** an impression of a served list could not be published */
    IMPRESSION_LOG,
    /** a request failed with a 500 */
    INTERNAL,
    /** accepted events could not be published to Kafka (the client got 503) */
    KAFKA_PUBLISH,
    /** a changed producer token file could not be read; the old tokens stay */
    PRODUCER_TOKENS_RELOAD,
    /** a reload failed for another reason than the bundle itself */
    RELOAD,
    /** the ONNX reranker failed; the list kept its GBDT order */
    RERANK,
    /** refreshing the trending items from the store failed */
    TRENDING_REFRESH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
