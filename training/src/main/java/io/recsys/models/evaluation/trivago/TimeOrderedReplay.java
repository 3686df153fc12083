package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;

import java.util.List;
import java.util.function.Consumer;

/**
 * The trivago protocol's replay: rows in (timestamp, session, step) order, one instant at a time. Every clickout of
 * an instant is shown the state built from the rows strictly before that instant, and only then are the instant's
 * rows learned, so rows at the same timestamp never see each other (a clickout never sees its own click).
 */
public final class TimeOrderedReplay {

    private TimeOrderedReplay() {
    }

    /**
     * @param rows       in replay order ({@link io.recsys.datasets.TrivagoDataset#REPLAY_ORDER})
     * @param atInstant  called with each instant's first row before its rows are learned (a frozen snapshot hooks
     *                   in here)
     * @param atClickout called for each clickout with the state as of its instant
     */
    public static void run(List<TrivagoRow> rows, ReplayState state, Consumer<TrivagoRow> atInstant,
                           Consumer<TrivagoRow> atClickout) {
        int start = 0;
        long previous = Long.MIN_VALUE;
        while (start < rows.size()) {
            long instant = rows.get(start).timestamp();
            if (instant < previous) {
                throw new IllegalArgumentException("rows are not in replay order: " + instant + " after " + previous);
            }
            int end = start;
            while (end < rows.size() && rows.get(end).timestamp() == instant) {
                end++;
            }
            atInstant.accept(rows.get(start));
            for (TrivagoRow row : rows.subList(start, end)) {
                if (row.isClickout()) {
                    atClickout.accept(row);
                }
            }
            for (TrivagoRow row : rows.subList(start, end)) {
                state.learn(row);
            }
            previous = instant;
            start = end;
        }
    }
}
