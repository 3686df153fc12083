package io.recsys.schema.session;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one session (or one user, across sessions) did so far: per hotel, how often and how recently it was
 * touched and clicked out on, how often and where it was shown in earlier lists; which hotel was touched last and
 * which was clicked out on last; how many filters, searches and sort changes. Plain
 * serialisable state with the time passed in, so a Flink keyed operator can hold one per key; a replay holds one
 * per session and one per user.
 *
 * <p>"Steps" count the actions recorded here, not the log's step column, so they also work across sessions.
 */
public final class InteractionHistory implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, ItemTouches> items = new HashMap<>();
    private final Map<String, ItemShown> shown = new HashMap<>();
    private long actions;
    private long lastActionTime;
    private String lastTouched;
    private String lastClickout;
    private int filterSelections;
    private int searches;
    private int sortChanges;

    /** Records one action at {@code time} (any unit; the caller asks in the same one). */
    public void record(SessionAction action, String reference, long time) {
        actions++;
        lastActionTime = time;
        if (action.touchesItem()) {
            ItemTouches touches = items.computeIfAbsent(reference, r -> new ItemTouches());
            touches.count++;
            touches.lastTime = time;
            touches.lastAction = actions;
            if (action == SessionAction.CLICKOUT) {
                touches.clickouts++;
                lastClickout = reference;
            }
            lastTouched = reference;
        }
        if (action == SessionAction.FILTER_SELECTION) {
            filterSelections++;
        } else if (action == SessionAction.SORT_CHANGE) {
            sortChanges++;
        } else if (action.isSearch()) {
            searches++;
        }
    }

    /** A list was shown, hotels in display order (a clickout's impressions). */
    public void recordShown(List<String> hotels) {
        for (int i = 0; i < hotels.size(); i++) {
            ItemShown item = shown.computeIfAbsent(hotels.get(i), h -> new ItemShown());
            item.times++;
            item.lastPosition = i + 1;
        }
    }

    /** How many earlier lists showed {@code item}. */
    public int timesShown(String item) {
        ItemShown seen = shown.get(item);
        return seen == null ? 0 : seen.times;
    }

    /** The 1-based position of {@code item} in the latest list that showed it; NaN when none did. */
    public double lastShownPosition(String item) {
        ItemShown seen = shown.get(item);
        return seen == null ? Double.NaN : seen.lastPosition;
    }

    /** Whether the latest clickout was on {@code item}. */
    public boolean isLastClickout(String item) {
        return item.equals(lastClickout);
    }

    /** Time from the latest action of any kind to {@code now}; NaN before the first. */
    public double timeSinceLastAction(long now) {
        return actions == 0 ? Double.NaN : now - lastActionTime;
    }

    /** How many actions touched {@code item}. */
    public int touches(String item) {
        ItemTouches touches = items.get(item);
        return touches == null ? 0 : touches.count;
    }

    /** How many of them were clickouts. */
    public int clickouts(String item) {
        ItemTouches touches = items.get(item);
        return touches == null ? 0 : touches.clickouts;
    }

    /** Time from the last touch of {@code item} to {@code now}; NaN when it was never touched. */
    public double timeSinceLastTouch(String item, long now) {
        ItemTouches touches = items.get(item);
        return touches == null ? Double.NaN : now - touches.lastTime;
    }

    /** Actions recorded since the last touch of {@code item}, counting that touch (1 = the latest action). */
    public double actionsSinceLastTouch(String item) {
        ItemTouches touches = items.get(item);
        return touches == null ? Double.NaN : actions - touches.lastAction + 1;
    }

    public boolean isLastTouched(String item) {
        return item.equals(lastTouched);
    }

    /** The hotel touched last, or null when none was. */
    public String lastTouched() {
        return lastTouched;
    }

    public long actions() {
        return actions;
    }

    public int filterSelections() {
        return filterSelections;
    }

    public int searches() {
        return searches;
    }

    public int sortChanges() {
        return sortChanges;
    }

    private static final class ItemShown implements Serializable {
        private static final long serialVersionUID = 1L;
        int times;
        int lastPosition;
    }

    private static final class ItemTouches implements Serializable {
        private static final long serialVersionUID = 1L;
        int count;
        int clickouts;
        long lastTime;
        long lastAction;
    }
}
