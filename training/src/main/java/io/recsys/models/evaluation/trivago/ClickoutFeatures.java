package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;
import io.recsys.schema.session.InteractionHistory;
import io.recsys.schema.session.ItemClicks;
import io.recsys.schema.session.ListPrices;

import java.util.List;

/**
 * One feature row per hotel of a clickout's list, from the replayed state as of the clickout's instant. Values a
 * hotel does not have (time since a touch that never happened) are NaN, which XGBoost reads as missing.
 */
public final class ClickoutFeatures {

    public static final String DISPLAY_POSITION = "display_position";
    public static final String PRICE = "price";
    public static final String PRICE_RANK = "price_rank";
    public static final String PRICE_OVER_MIN = "price_over_min";
    public static final String ITEM_IMPRESSIONS = "item_impressions";
    public static final String ITEM_CTR = "item_ctr";
    public static final String ITEM_DEBIASED_CTR = "item_debiased_ctr";
    public static final String ITEM_PLATFORM_CTR = "item_platform_ctr";
    public static final String CTR_RANK = "ctr_rank_in_list";
    public static final String CTR_OVER_BEST = "ctr_over_list_best";
    public static final String SESSION_TOUCHES = "session_touches";
    public static final String SESSION_CLICKOUTS = "session_clickouts";
    public static final String SESSION_SECONDS_SINCE = "session_seconds_since_touch";
    public static final String SESSION_STEPS_SINCE = "session_steps_since_touch";
    public static final String SESSION_LAST_TOUCHED = "session_last_touched";
    public static final String USER_TOUCHES = "user_touches";
    public static final String USER_CLICKOUTS = "user_clickouts";
    public static final String SESSION_FILTERS = "session_filters";
    public static final String SESSION_SEARCHES = "session_searches";
    public static final String SESSION_SORT_CHANGES = "session_sort_changes";
    public static final String LIST_SIZE = "list_size";
    public static final String ITEM_INTERACTIONS = "item_interactions";
    public static final String SESSION_TIMES_SHOWN = "session_times_shown";
    public static final String SESSION_LAST_SHOWN_POSITION = "session_last_shown_position";
    public static final String SESSION_LAST_CLICKOUT = "session_last_clickout";
    public static final String SESSION_ACTIONS = "session_actions";
    public static final String SESSION_SECONDS_SINCE_ANY = "session_seconds_since_last_action";
    public static final String SORTED_BY_PRICE = "sorted_by_price";
    public static final String SORTED_BY_DISTANCE_OR_RATING = "sorted_by_distance_or_rating";
    public static final String FILTERS_ACTIVE = "filters_active";
    public static final String OFFSET_FROM_LAST_TOUCHED = "offset_from_last_touched";
    public static final String OFFSET_FROM_LATEST_TOUCHED_SHOWN = "offset_from_latest_touched_shown";

    /** Every feature, in column order. */
    public static final List<String> NAMES = List.of(DISPLAY_POSITION, PRICE, PRICE_RANK, PRICE_OVER_MIN,
            ITEM_IMPRESSIONS, ITEM_CTR, ITEM_DEBIASED_CTR, ITEM_PLATFORM_CTR, CTR_RANK, CTR_OVER_BEST,
            SESSION_TOUCHES, SESSION_CLICKOUTS, SESSION_SECONDS_SINCE, SESSION_STEPS_SINCE, SESSION_LAST_TOUCHED,
            USER_TOUCHES, USER_CLICKOUTS, SESSION_FILTERS, SESSION_SEARCHES, SESSION_SORT_CHANGES, LIST_SIZE,
            ITEM_INTERACTIONS, SESSION_TIMES_SHOWN, SESSION_LAST_SHOWN_POSITION, SESSION_LAST_CLICKOUT,
            SESSION_ACTIONS, SESSION_SECONDS_SINCE_ANY, SORTED_BY_PRICE, SORTED_BY_DISTANCE_OR_RATING,
            FILTERS_ACTIVE, OFFSET_FROM_LAST_TOUCHED, OFFSET_FROM_LATEST_TOUCHED_SHOWN);

    /** The active filters of a clickout that reorder its list away from trivago's recommendation. */
    private static final List<String> SORTS_BY_DISTANCE_OR_RATING = List.of("Sort By Distance", "Focus on Distance",
            "Sort By Rating", "Focus on Rating");

    /** The features that place a hotel relative to the rest of its list. */
    public static final List<String> LIST_RELATIVE = List.of(PRICE_RANK, PRICE_OVER_MIN, CTR_RANK, CTR_OVER_BEST,
            OFFSET_FROM_LAST_TOUCHED, OFFSET_FROM_LATEST_TOUCHED_SHOWN);

    private ClickoutFeatures() {
    }

    public static int column(String name) {
        int column = NAMES.indexOf(name);
        if (column < 0) {
            throw new IllegalArgumentException("unknown trivago feature '" + name + "'; known: " + NAMES);
        }
        return column;
    }

    /** {@code rows[hotel][feature]} for the clickout's list, in display order. */
    public static double[][] of(TrivagoRow clickout, ReplayState state) {
        List<String> hotels = clickout.impressions();
        InteractionHistory session = state.session(clickout.sessionId());
        InteractionHistory user = state.user(clickout.userId());
        double[] priceRanks = ListPrices.ranks(clickout.prices());
        double[] priceOverMin = ListPrices.overMinimum(clickout.prices());
        double[] ctr = new double[hotels.size()];
        for (int i = 0; i < ctr.length; i++) {
            ctr[i] = state.item(hotels.get(i)).ctr();
        }
        double[] ctrRanks = descendingRanks(ctr);
        double bestCtr = max(ctr);
        double sortedByPrice = clickout.filters().contains("Sort by Price") ? 1 : 0;
        double sortedByDistanceOrRating = clickout.filters().stream().anyMatch(SORTS_BY_DISTANCE_OR_RATING::contains)
                ? 1 : 0;
        // Users scroll on from the hotel they looked at last: the hotels next to it in the list are likelier picks.
        int lastTouchedIndex = session.lastTouched() == null ? -1 : hotels.indexOf(session.lastTouched());
        int latestTouchedShown = latestTouched(hotels, session);
        double[][] rows = new double[hotels.size()][NAMES.size()];
        for (int i = 0; i < rows.length; i++) {
            String hotel = hotels.get(i);
            ItemClicks clicks = state.item(hotel);
            double[] row = rows[i];
            row[0] = i + 1;
            row[1] = clickout.prices().get(i);
            row[2] = priceRanks[i];
            row[3] = priceOverMin[i];
            row[4] = clicks.impressions();
            row[5] = ctr[i];
            row[6] = clicks.debiasedCtr();
            row[7] = state.itemOnPlatform(hotel, clickout.platform()).ctr();
            row[8] = ctrRanks[i];
            row[9] = ctr[i] / bestCtr;
            row[10] = session.touches(hotel);
            row[11] = session.clickouts(hotel);
            row[12] = session.timeSinceLastTouch(hotel, clickout.timestamp());
            row[13] = session.actionsSinceLastTouch(hotel);
            row[14] = session.isLastTouched(hotel) ? 1 : 0;
            row[15] = user.touches(hotel);
            row[16] = user.clickouts(hotel);
            row[17] = session.filterSelections();
            row[18] = session.searches();
            row[19] = session.sortChanges();
            row[20] = hotels.size();
            row[21] = clicks.interactions();
            row[22] = session.timesShown(hotel);
            row[23] = session.lastShownPosition(hotel);
            row[24] = session.isLastClickout(hotel) ? 1 : 0;
            row[25] = session.actions();
            row[26] = session.timeSinceLastAction(clickout.timestamp());
            row[27] = sortedByPrice;
            row[28] = sortedByDistanceOrRating;
            row[29] = clickout.filters().size();
            row[30] = lastTouchedIndex < 0 ? Double.NaN : i - lastTouchedIndex;
            row[31] = latestTouchedShown < 0 ? Double.NaN : i - latestTouchedShown;
        }
        return rows;
    }

    /** The index of the list's hotel the session touched most recently, or -1 when it touched none of them. */
    private static int latestTouched(List<String> hotels, InteractionHistory session) {
        int latest = -1;
        double fewestActionsSince = Double.POSITIVE_INFINITY;
        for (int i = 0; i < hotels.size(); i++) {
            double actionsSince = session.actionsSinceLastTouch(hotels.get(i));
            if (actionsSince < fewestActionsSince) {
                fewestActionsSince = actionsSince;
                latest = i;
            }
        }
        return latest;
    }

    /** 1 for the largest value; equal values share the mean of their ranks. */
    static double[] descendingRanks(double[] values) {
        double[] ranks = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            int larger = 0;
            int equal = 0;
            for (double value : values) {
                larger += value > values[i] ? 1 : 0;
                equal += value == values[i] ? 1 : 0;
            }
            ranks[i] = larger + (equal + 1) / 2.0;
        }
        return ranks;
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            max = Math.max(max, value);
        }
        return max;
    }
}
