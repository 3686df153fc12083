package io.recsys.schema.feature;

/** The kinds of entity features are kept for; the wire name prefixes entity keys ({@code item:i42}). */
public enum EntityType {
    ITEM("item"),
    USER("user"),
    /** composite id {@code user|category} */
    USER_CATEGORY("user_category"),
    /** a single entity, id {@link EntityKey#GLOBAL_ID} */
    GLOBAL("global");

    private final String wireName;

    EntityType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static EntityType fromWireName(String name) {
        for (EntityType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown entity type '" + name
                + "'; expected item, user, user_category or global");
    }
}
