package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;
import io.recsys.schema.session.InteractionHistory;
import io.recsys.schema.session.ItemClicks;
import io.recsys.schema.session.PositionClickRates;

import java.util.HashMap;
import java.util.Map;

/**
 * Every keyed state the trivago features read, as a replay builds it: one interaction history per session and per
 * user, click counts per hotel and per hotel on each platform, and the click rate of each display position. The
 * same state classes are what a Flink keyed operator would hold per key.
 */
public final class ReplayState {

    private static final InteractionHistory NO_HISTORY = new InteractionHistory();
    private static final ItemClicks NO_CLICKS = new ItemClicks();

    private final Map<String, InteractionHistory> sessions = new HashMap<>();
    private final Map<String, InteractionHistory> users = new HashMap<>();
    private final Map<String, ItemClicks> items = new HashMap<>();
    private final Map<String, ItemClicks> itemsOnPlatform = new HashMap<>();
    private final PositionClickRates positions = new PositionClickRates();

    /** Adds one row; a clickout counts as an impression of every hotel shown and a click on the one chosen. */
    public void learn(TrivagoRow row) {
        sessions.computeIfAbsent(row.sessionId(), s -> new InteractionHistory())
                .record(row.action(), row.reference(), row.timestamp());
        users.computeIfAbsent(row.userId(), u -> new InteractionHistory())
                .record(row.action(), row.reference(), row.timestamp());
        if (!row.isClickout()) {
            if (row.action().touchesItem()) {
                items.computeIfAbsent(row.reference(), h -> new ItemClicks()).interacted();
            }
            return;
        }
        sessions.get(row.sessionId()).recordShown(row.impressions());
        users.get(row.userId()).recordShown(row.impressions());
        for (int i = 0; i < row.impressions().size(); i++) {
            double rate = positions.rate(i + 1);
            items.computeIfAbsent(row.impressions().get(i), h -> new ItemClicks()).shown(rate);
            itemsOnPlatform.computeIfAbsent(platformKey(row.impressions().get(i), row.platform()),
                    h -> new ItemClicks()).shown(rate);
        }
        int clicked = row.clickedIndex();
        positions.record(row.impressions().size(), clicked < 0 ? -1 : clicked + 1);
        items.computeIfAbsent(row.reference(), h -> new ItemClicks()).clicked();
        itemsOnPlatform.computeIfAbsent(platformKey(row.reference(), row.platform()), h -> new ItemClicks())
                .clicked();
    }

    public InteractionHistory session(String sessionId) {
        return sessions.getOrDefault(sessionId, NO_HISTORY);
    }

    public InteractionHistory user(String userId) {
        return users.getOrDefault(userId, NO_HISTORY);
    }

    public ItemClicks item(String hotel) {
        return items.getOrDefault(hotel, NO_CLICKS);
    }

    public ItemClicks itemOnPlatform(String hotel, String platform) {
        return itemsOnPlatform.getOrDefault(platformKey(hotel, platform), NO_CLICKS);
    }

    /** Each hotel's counts as they are now, for a CTR frozen at this instant. */
    public Map<String, ItemClicks> itemSnapshot() {
        Map<String, ItemClicks> snapshot = new HashMap<>();
        items.forEach((hotel, clicks) -> snapshot.put(hotel, clicks.copy()));
        return snapshot;
    }

    private static String platformKey(String hotel, String platform) {
        return hotel + '\u0000' + platform;
    }
}
