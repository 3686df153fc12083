package io.recsys.schema.feature;

/**
 * The kinds of entity features are kept for; the wire name prefixes entity keys ({@code item:i42}). The state code
 * is part of the feature job's keyed state (its key is {@code code:id}): it is pinned here, never derived from the
 * declaration order, so that reordering or adding constants cannot move a savepoint's state to another entity.
 */
public enum EntityType {
    ITEM("item", 0),
    USER("user", 1),
    /** composite id {@code user|category} */
    USER_CATEGORY("user_category", 2),
    /** a single entity, id {@link EntityKey#GLOBAL_ID} */
    GLOBAL("global", 3);

    private final String wireName;
    private final int stateCode;

    EntityType(String wireName, int stateCode) {
        this.wireName = wireName;
        this.stateCode = stateCode;
    }

    /** The number savepoints hold for this type; never reuse or change one. */
    public int stateCode() {
        return stateCode;
    }

    public static EntityType fromStateCode(int code) {
        for (EntityType type : values()) {
            if (type.stateCode == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("no entity type has state code " + code);
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
