package io.recsys.models.training;

import java.util.List;

/** One served list: the items shown to a user by one request, in position order, and which were clicked. */
public record ImpressionGroup(String requestId, String userId, long time, List<String> items, boolean[] clicked) {

    public int clicks() {
        int clicks = 0;
        for (boolean c : clicked) {
            clicks += c ? 1 : 0;
        }
        return clicks;
    }
}
