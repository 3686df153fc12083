package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;
import io.recsys.schema.session.SessionAction;

import java.util.ArrayList;
import java.util.List;

/** Synthetic trivago rows for tests: one user per session, one platform, prices given per list. */
final class TrivagoRows {

    private TrivagoRows() {
    }

    static TrivagoRow touch(String session, long time, int step, SessionAction action, String hotel) {
        return new TrivagoRow("user-" + session, session, time, step, action, hotel, "DE", "Berlin", "desktop",
                List.of(), List.of(), List.of());
    }

    static TrivagoRow clickout(String session, long time, int step, String clicked, List<String> shown,
                               List<Integer> prices) {
        return new TrivagoRow("user-" + session, session, time, step, SessionAction.CLICKOUT, clicked, "DE",
                "Berlin", "desktop", List.of(), shown, prices);
    }

    static TrivagoRow clickout(String session, long time, int step, String clicked, String... shown) {
        List<Integer> prices = new ArrayList<>();
        for (int i = 0; i < shown.length; i++) {
            prices.add(100);
        }
        return clickout(session, time, step, clicked, List.of(shown), prices);
    }
}
