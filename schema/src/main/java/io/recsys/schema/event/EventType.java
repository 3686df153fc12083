package io.recsys.schema.event;

import java.util.Locale;

/** What happened: an item was shown (impression) or the user reacted to it (feedback). */
public enum EventType {
    IMPRESSION,
    CLICK,
    VIEW,
    ADD_TO_CART,
    PURCHASE;

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
