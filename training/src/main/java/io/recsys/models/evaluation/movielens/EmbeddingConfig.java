package io.recsys.models.evaluation.movielens;

import io.recsys.models.training.embedding.ImplicitAlsParams;

import java.util.LinkedHashMap;
import java.util.Map;

/** One candidate setting of the system: which interactions the embeddings learn from, and the ALS parameters. */
public record EmbeddingConfig(InteractionWeighting weighting, ImplicitAlsParams als) {

    /** For the result's notes. */
    Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("interactions", weighting.name().toLowerCase());
        description.put("factors", als.factors());
        description.put("regularization", als.regularization());
        description.put("alpha", als.alpha());
        description.put("iterations", als.iterations());
        description.put("seed", als.seed());
        return description;
    }
}
