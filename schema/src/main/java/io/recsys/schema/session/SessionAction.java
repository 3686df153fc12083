package io.recsys.schema.session;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a user did in a hotel-search session, as the trivago log names it. For the item actions the row's
 * reference is a hotel id; for the others it is a city, a point of interest, a filter or a sort order.
 */
public enum SessionAction {
    INTERACTION_IMAGE("interaction item image", true),
    INTERACTION_INFO("interaction item info", true),
    INTERACTION_RATING("interaction item rating", true),
    INTERACTION_DEALS("interaction item deals", true),
    CLICKOUT("clickout item", true),
    SEARCH_ITEM("search for item", true),
    SEARCH_DESTINATION("search for destination", false),
    SEARCH_POI("search for poi", false),
    FILTER_SELECTION("filter selection", false),
    SORT_CHANGE("change of sort order", false);

    private static final Map<String, SessionAction> BY_LOG_NAME = Arrays.stream(values())
            .collect(Collectors.toMap(SessionAction::logName, Function.identity()));

    private final String logName;
    private final boolean touchesItem;

    SessionAction(String logName, boolean touchesItem) {
        this.logName = logName;
        this.touchesItem = touchesItem;
    }

    /** The action_type string of the log. */
    public String logName() {
        return logName;
    }

    /** Whether the reference of this action is a hotel the user touched. */
    public boolean touchesItem() {
        return touchesItem;
    }

    public boolean isSearch() {
        return this == SEARCH_DESTINATION || this == SEARCH_POI || this == SEARCH_ITEM;
    }

    /** The action with this log name; fails naming every known one. */
    public static SessionAction fromLogName(String name) {
        SessionAction action = BY_LOG_NAME.get(name);
        if (action == null) {
            throw new IllegalArgumentException("unknown action type '" + name + "'; expected one of "
                    + BY_LOG_NAME.keySet().stream().sorted().toList());
        }
        return action;
    }
}
