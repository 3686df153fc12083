package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoRow;
import io.recsys.schema.session.ItemClicks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every scorable clickout of a log with its features as of its own instant, from one time-ordered replay.
 *
 * @param lists           clickouts whose clicked hotel is in their list, in time order (lists of one hotel included:
 *                        they are shown lists, though {@link ListMetrics} has nothing to rank in them)
 * @param clickedNotShown clickouts whose clicked hotel is not in their list, which no metric can score
 */
public record ReplayedLists(List<ClickoutList> lists, int clickedNotShown) {

    /** @param testFrom unix seconds; lists from then on also carry the item CTR frozen at that instant */
    public static ReplayedLists replay(List<TrivagoRow> rows, long testFrom) {
        Collector collector = new Collector(testFrom);
        TimeOrderedReplay.run(rows, collector.state, collector::atInstant, collector::atClickout);
        return new ReplayedLists(collector.lists, collector.clickedNotShown);
    }

    /** The lists in [from, until), unix seconds. */
    public List<ClickoutList> between(long from, long until) {
        return lists.stream().filter(l -> l.timestamp() >= from && l.timestamp() < until).toList();
    }

    private static double[] frozenCtr(TrivagoRow clickout, Map<String, ItemClicks> snapshot) {
        double[] ctr = new double[clickout.impressions().size()];
        for (int i = 0; i < ctr.length; i++) {
            ItemClicks clicks = snapshot.get(clickout.impressions().get(i));
            ctr[i] = clicks == null ? new ItemClicks().ctr() : clicks.ctr();
        }
        return ctr;
    }

    private static final class Collector {
        final ReplayState state = new ReplayState();
        final List<ClickoutList> lists = new ArrayList<>();
        final long testFrom;
        Map<String, ItemClicks> frozen;
        int clickedNotShown;

        Collector(long testFrom) {
            this.testFrom = testFrom;
        }

        void atInstant(TrivagoRow first) {
            if (first.timestamp() >= testFrom && frozen == null) {
                frozen = state.itemSnapshot();
            }
        }

        void atClickout(TrivagoRow clickout) {
            int clicked = clickout.clickedIndex();
            if (clicked < 0) {
                clickedNotShown++;
            } else {
                lists.add(new ClickoutList(clickout.timestamp(), clicked, ClickoutFeatures.of(clickout, state),
                        frozen == null ? null : frozenCtr(clickout, frozen)));
            }
        }
    }
}
