package io.recsys.models.evaluation.mind;

import io.recsys.datasets.MindDataset.MindImpression;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MindBaselinesTest {

    private static final long DAY = 86_400_000L;

    private static MindImpression line(String id, long time, List<String> items, List<Boolean> clicked) {
        return new MindImpression(id, "u" + id, time, List.of(), items, clicked);
    }

    @Test
    void liveCtrDoesNotSeeLinesAtTheSameInstant() {
        long testStart = 10 * DAY;
        List<MindImpression> log = List.of(
                line("1", testStart + 5000, List.of("n2", "n3"), List.of(true, false)),
                line("2", testStart + 5000, List.of("n2", "n3"), List.of(false, true)));
        var metrics = MindBaselines.evaluate(log, testStart, testStart + DAY, 1);
        // both items are unseen for both lines (a tie, AUC 0.5); had line 2 seen line 1, n2 would outscore the
        // clicked n3 and line 2's AUC would be 0
        assertThat(metrics.get(MindBaselines.CTR_LIVE).summary().get("auc")).isEqualTo(0.5);
        assertThat(metrics.get(MindBaselines.CTR_LIVE).summary().get("impressions")).isEqualTo(2.0);
    }

    @Test
    void frozenCtrIgnoresTestDayLinesWhileLiveCtrLearnsFromThem() {
        long testStart = 10 * DAY;
        List<MindImpression> log = List.of(
                line("1", testStart + 1000, List.of("n1", "n2"), List.of(true, false)),
                line("2", testStart + 2000, List.of("n1", "n2"), List.of(true, false)));
        var metrics = MindBaselines.evaluate(log, testStart, testStart + DAY, 1);
        // line 2 live: n1 2/21 > n2 1/21 (AUC 1); line 1: both unseen (0.5); frozen: always tied (0.5)
        assertThat(metrics.get(MindBaselines.CTR_LIVE).summary().get("auc")).isEqualTo(0.75);
        assertThat(metrics.get(MindBaselines.CTR_FROZEN).summary().get("auc")).isEqualTo(0.5);
    }
}
