package io.recsys.datasets;

import io.recsys.schema.session.SessionAction;

import java.util.List;

/**
 * One row of trivago's sessions.csv.
 *
 * @param timestamp   unix seconds, UTC
 * @param step        the row's order within its session, from 1
 * @param reference   a hotel id for item actions (for a clickout, the clicked hotel); a city, filter or sort order
 *                    otherwise; empty when the log has none
 * @param filters     the filters active at the row, empty when none
 * @param impressions for a clickout, the hotels shown in display order; empty otherwise
 * @param prices      the price of each shown hotel, aligned with {@code impressions}
 */
public record TrivagoRow(String userId, String sessionId, long timestamp, int step, SessionAction action,
                         String reference, String platform, String city, String device, List<String> filters,
                         List<String> impressions, List<Integer> prices) {

    public TrivagoRow {
        filters = List.copyOf(filters);
        impressions = List.copyOf(impressions);
        prices = List.copyOf(prices);
        if (impressions.size() != prices.size()) {
            throw new IllegalArgumentException(impressions.size() + " impressions but " + prices.size() + " prices");
        }
    }

    public boolean isClickout() {
        return action == SessionAction.CLICKOUT;
    }

    /** The display index of the clicked hotel in a clickout's list, or -1 when it was not shown there. */
    public int clickedIndex() {
        return isClickout() ? impressions.indexOf(reference) : -1;
    }
}
