package io.recsys.models.rollout;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LearningLoopTest {

    private static final long MINUTE = 60_000;
    private static final RolloutPolicy POLICY = new RolloutPolicy(1_000, 20_000, 0.99, 0.05);

    /** The API's arms as the loop (or a person) set them, and what is current in the registry. */
    private final class ApiArms implements LearningLoop.Serving {
        String control = "v1";
        String treatment;
        double share;
        String current = "v1";
        final List<String> servedControls = new ArrayList<>();

        @Override
        public LearningLoop.Arms arms() {
            return new LearningLoop.Arms(control, treatment);
        }

        @Override
        public void serve(String control, String treatment, double share) {
            this.control = control;
            this.treatment = treatment;
            this.share = share;
            servedControls.add(control);
        }

        @Override
        public void makeCurrent(String version) {
            current = version;
        }
    }

    private final ApiArms api = new ApiArms();
    private final Map<String, ArmCounts> counts = new HashMap<>();
    private final List<LearningLoop.Event> journal = new ArrayList<>();
    private boolean gatePasses = true;
    private int trained;

    private final LearningLoop.Candidates candidates = new LearningLoop.Candidates() {
        @Override
        public LearningLoop.Candidate train(long until) {
            trained++;
            return new LearningLoop.Candidate("v" + (1 + trained));
        }

        @Override
        public ReplayGate.Result check(LearningLoop.Candidate candidate, String serving) {
            return new ReplayGate.Result(gatePasses, 300, Map.of("auc", gatePasses ? 0.70 : 0.50),
                    Map.of("auc", 0.69), gatePasses ? "within the margins" : "worse than serving");
        }
    };

    private final LearningLoop loop = new LearningLoop(api, candidates, () -> Map.copyOf(counts), journal::add,
            new LearningLoop.Settings(30 * MINUTE, 0.2, POLICY), 0);

    private List<String> kinds() {
        return journal.stream().map(LearningLoop.Event::kind).toList();
    }

    private void armsGot(long controlImpressions, long controlClicks, long treatmentImpressions,
                         long treatmentClicks) {
        counts.put("control", new ArmCounts(controlImpressions, controlClicks));
        counts.put("treatment", new ArmCounts(treatmentImpressions, treatmentClicks));
    }

    @Test
    void aCandidateThatPassesTheGateStartsAsTheTreatmentAtItsShare() throws Exception {
        loop.step(0);

        assertThat(api.arms()).isEqualTo(new LearningLoop.Arms("v1", "v2"));
        assertThat(api.share).isEqualTo(0.2);
        assertThat(kinds()).containsExactly("gate_passed", "rollout_started");
    }

    @Test
    void aCandidateTheGateStopsNeverServesAndTheNextRoundWaitsForItsTime() throws Exception {
        gatePasses = false;

        loop.step(0);
        loop.step(10 * MINUTE);

        assertThat(api.arms()).isEqualTo(new LearningLoop.Arms("v1", null));
        assertThat(api.servedControls).isEmpty();
        assertThat(kinds()).containsExactly("gate_failed");
        assertThat(trained).isEqualTo(1);

        loop.step(30 * MINUTE);
        assertThat(trained).isEqualTo(2);
    }

    @Test
    void aTreatmentThatWinsIsPromotedToEveryoneAndMadeCurrent() throws Exception {
        armsGot(50_000, 2_500, 0, 0);
        loop.step(0);

        armsGot(54_000, 2_700, 500, 45);
        loop.step(MINUTE);
        assertThat(kinds()).endsWith("collecting");

        armsGot(66_000, 3_300, 4_000, 360);
        loop.step(2 * MINUTE);

        assertThat(kinds()).endsWith("promoted");
        assertThat(api.arms()).isEqualTo(new LearningLoop.Arms("v2", null));
        assertThat(api.current).isEqualTo("v2");
        assertThat(loop.rollingOut()).isFalse();
    }

    @Test
    void aTreatmentThatLosesIsRolledBackAndTheOldBundleServedThroughout() throws Exception {
        armsGot(50_000, 2_500, 0, 0);
        loop.step(0);

        armsGot(66_000, 3_300, 4_000, 100);
        loop.step(MINUTE);

        assertThat(kinds()).endsWith("rolled_back");
        assertThat(api.arms()).isEqualTo(new LearningLoop.Arms("v1", null));
        assertThat(api.servedControls).containsOnly("v1");
        assertThat(api.current).isEqualTo("v1");
    }

    @Test
    void aManualReloadDuringARolloutWinsAndTheLoopLetsGo() throws Exception {
        loop.step(0);
        api.serve("v7", null, 0);

        loop.step(MINUTE);

        assertThat(kinds()).endsWith("overridden");
        assertThat(api.arms()).isEqualTo(new LearningLoop.Arms("v7", null));
        assertThat(loop.rollingOut()).isFalse();
    }

    @Test
    void aManualExperimentAlreadyServingSkipsTheRound() throws Exception {
        api.serve("v1", "v9", 0.5);

        loop.step(0);

        assertThat(trained).isZero();
        assertThat(kinds()).containsExactly("skipped");
        assertThat(api.arms()).isEqualTo(new LearningLoop.Arms("v1", "v9"));
    }

    @Test
    void countersThatWentDownAreReadAsCountsSinceTheirReset() throws Exception {
        armsGot(500_000, 25_000, 300_000, 15_000);
        loop.step(0);

        // the job restarted without state: its counters begin again
        armsGot(16_000, 800, 4_000, 400);
        loop.step(MINUTE);

        LearningLoop.Event decision = journal.get(journal.size() - 1);
        assertThat(decision.kind()).isEqualTo("promoted");
        assertThat(decision.numbers().get("treatment")).isEqualTo(new ArmCounts(4_000, 400));
    }
}
