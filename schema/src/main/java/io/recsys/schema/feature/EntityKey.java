package io.recsys.schema.feature;

import io.recsys.schema.event.Ids;

import java.io.Serializable;

/** An entity features are kept for, written {@code type:id} on the command line and in the API. */
public record EntityKey(EntityType type, String id) implements Serializable {

    public static final String GLOBAL_ID = "all";
    public static final EntityKey GLOBAL = new EntityKey(EntityType.GLOBAL, GLOBAL_ID);
    public static final char COMPOSITE_SEPARATOR = '|';

    public static EntityKey item(String id) {
        return new EntityKey(EntityType.ITEM, id);
    }

    public static EntityKey user(String id) {
        return new EntityKey(EntityType.USER, id);
    }

    public static EntityKey userCategory(String userId, String category) {
        return new EntityKey(EntityType.USER_CATEGORY, userId + COMPOSITE_SEPARATOR + category);
    }

    /**
     * Parses {@code item:ID}, {@code user:ID}, {@code user_category:USER|CATEGORY} or {@code global}.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static EntityKey parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("entity must be written type:id, e.g. item:i42");
        }
        if (text.equals("global") || text.equals("global:" + GLOBAL_ID)) {
            return GLOBAL;
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("entity must be written type:id, e.g. item:i42, got '" + text + "'");
        }
        EntityType type = EntityType.fromWireName(text.substring(0, colon));
        String id = text.substring(colon + 1);
        if (type == EntityType.USER_CATEGORY) {
            int bar = id.indexOf(COMPOSITE_SEPARATOR);
            if (bar <= 0 || bar == id.length() - 1
                    || !Ids.isValid(id, 0, bar)) {
                throw new IllegalArgumentException("user_category entities are written user_category:USER|CATEGORY");
            }
        } else if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a valid id: " + Ids.SYNTAX);
        }
        return new EntityKey(type, id);
    }

    /**
     * Written out rather than generated: the API hashes and compares hundreds of keys per request, and the
     * generated record methods ran through method-handle chains the JIT did not inline (they showed in profiles).
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof EntityKey key && type == key.type && id.equals(key.id);
    }

    @Override
    public int hashCode() {
        return 31 * type.stateCode() + id.hashCode();
    }

    @Override
    public String toString() {
        return type.wireName() + ":" + id;
    }
}
