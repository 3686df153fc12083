package io.recsys.models.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * manifest.json of a model bundle: what it holds, what it was trained on and with, and a checksum per file so a
 * corrupt or truncated bundle is refused at load.
 *
 * @param formatVersion   bumped when the bundle layout changes; a loader refuses versions it does not know
 * @param registryVersion the feature registry version the models were trained against
 * @param rankingFeatures the GBDT's input features, in order
 * @param trainedFrom     event time of the first training impression (ISO-8601)
 * @param trainedUntil    end of the training data, exclusive (ISO-8601)
 * @param files           file name (relative to the bundle) to SHA-256
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BundleManifest(@JsonProperty("format_version") int formatVersion,
                             @JsonProperty("version") String version,
                             @JsonProperty("created_at") String createdAt,
                             @JsonProperty("dataset") String dataset,
                             @JsonProperty("registry_version") int registryVersion,
                             @JsonProperty("ranking_features") List<String> rankingFeatures,
                             @JsonProperty("rerank_head") int rerankHead,
                             @JsonProperty("trained_from") String trainedFrom,
                             @JsonProperty("trained_until") String trainedUntil,
                             @JsonProperty("training_rows") long trainingRows,
                             @JsonProperty("retrieval") Retrieval retrieval,
                             @JsonProperty("metrics") Map<String, Object> metrics,
                             @JsonProperty("files") Map<String, String> files) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "manifest.json";

    /** The embedding model, when the bundle has one. */
    public record Retrieval(@JsonProperty("kind") String kind, @JsonProperty("dimension") int dimension,
                            @JsonProperty("items") int items, @JsonProperty("parameters") Map<String, Object> parameters) {
    }
}
