package io.recsys.schema.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A catalogue record: what an item is. Published to the catalogue topic (compacted, keyed by item id) so the
 * feature job can attribute clicks to categories.
 */
public record ItemAttributes(String itemId, String category, String subcategory) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", Event.SCHEMA_VERSION);
        node.put("item_id", itemId);
        node.put("category", category);
        if (subcategory != null) {
            node.put("subcategory", subcategory);
        }
        return node.toString();
    }

    /** @throws IllegalArgumentException with the reason when the record is not a valid catalogue entry */
    public static ItemAttributes fromJson(String raw) {
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("catalogue record is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || !node.path("item_id").isTextual() || !node.path("category").isTextual()) {
            throw new IllegalArgumentException("catalogue record needs string fields item_id and category: " + raw);
        }
        String itemId = node.get("item_id").textValue();
        if (!Ids.isValid(itemId)) {
            throw new IllegalArgumentException("catalogue record has an invalid item_id: " + itemId);
        }
        String category = node.get("category").textValue();
        if (category.isEmpty() || category.length() > 64 || category.indexOf('|') >= 0) {
            throw new IllegalArgumentException("catalogue category must be 1-64 characters without '|': " + category);
        }
        JsonNode sub = node.get("subcategory");
        return new ItemAttributes(itemId, category, sub == null || sub.isNull() ? null : sub.asText());
    }
}
