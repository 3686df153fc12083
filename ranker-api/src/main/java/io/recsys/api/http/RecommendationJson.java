package io.recsys.api.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.recsys.api.serving.Recommendation;

import java.io.IOException;
import java.io.StringWriter;

/**
 * The body of GET /v1/recommendations, written field by field: building a map per item for the object mapper cost
 * more than the writing. Explanations, rare and nested, still go through the mapper.
 */
final class RecommendationJson {

    private RecommendationJson() {
    }

    static String write(Recommendation recommendation) throws IOException {
        StringWriter text = new StringWriter(2048);
        try (JsonGenerator json = JsonResponses.JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("request_id", recommendation.requestId());
            json.writeStringField("user_id", recommendation.userId());
            json.writeStringField("model_version", recommendation.modelVersion());
            json.writeStringField("experiment_arm", recommendation.experimentArm());
            json.writeBooleanField("degraded", recommendation.degraded());
            if (recommendation.degraded()) {
                json.writeObjectField("degraded_reasons", recommendation.degradedReasons());
            }
            json.writeObjectField("candidates", recommendation.candidatesPerStage());
            json.writeArrayFieldStart("items");
            for (Recommendation.Item item : recommendation.items()) {
                json.writeStartObject();
                json.writeStringField("item_id", item.itemId());
                json.writeNumberField("score", item.score());
                json.writeNumberField("position", item.position());
                json.writeStringField("source", item.source());
                if (item.category() != null) {
                    json.writeStringField("category", item.category());
                }
                if (item.explanation() != null) {
                    json.writeObjectField("explain", item.explanation());
                }
                if (item.propensity() != null) {
                    json.writeNumberField("propensity", item.propensity());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return text.toString();
    }
}
