package io.recsys.schema.event;

import java.util.Locale;

/**
 * What happened: an item was shown (impression) or the user reacted to it (feedback). The state code is part of
 * what the feedback matcher keeps in keyed state (its per-user record of matched feedback): pinned here, never the
 * declaration order, so a savepoint means the same after constants are reordered or added.
 */
public enum EventType {
    IMPRESSION(0),
    CLICK(1),
    VIEW(2),
    ADD_TO_CART(3),
    PURCHASE(4);

    private final int stateCode;

    EventType(int stateCode) {
        this.stateCode = stateCode;
    }

    /** The number savepoints hold for this type; never reuse or change one. */
    public int stateCode() {
        return stateCode;
    }

    public boolean isFeedback() {
        return this != IMPRESSION;
    }

    /** The name used on the wire, e.g. {@code add_to_cart}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the type for a wire name, or null when the name is not one of ours */
    public static EventType fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
