package io.recsys.models.rollout;

import io.recsys.models.bundle.BundleRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The learning loop, one look at a time: on schedule it trains a candidate, checks it on recent logged lists
 * against the serving bundle ({@link ReplayGate}), gives a passing candidate a share of users as the treatment arm,
 * and then, from the clicks each arm gets ({@link RolloutPolicy}), promotes it or rolls it back. What it touches is
 * behind the small interfaces below, so the same loop runs in the demo's JVM and as its own process beside a
 * cluster.
 *
 * <p>A manual override always wins: when the arms the API serves are not the ones the loop set (someone reloaded
 * by hand), the loop drops its rollout and leaves the API as it is; while a treatment the loop did not start is
 * serving, it trains nothing new.
 */
public final class LearningLoop {

    /** The journal of decisions, one JSON object a line, in the bundle directory the loop and the API share. */
    public static final String JOURNAL_FILE = BundleRegistry.LOOP_JOURNAL_FILE;

    /** The bundles the API serves now; treatment null when there is none. */
    public record Arms(String control, String treatment) {
    }

    /** The API's model endpoints. */
    public interface Serving {
        Arms arms() throws Exception;

        /** Serves {@code control} to everyone but {@code share} of users, who get {@code treatment} (null: none). */
        void serve(String control, String treatment, double share) throws Exception;

        /** Makes {@code version} what a restarted API loads. */
        void makeCurrent(String version) throws Exception;
    }

    /** Trains a candidate on the log up to {@code until} and checks it against {@code serving}. */
    public interface Candidates {
        Candidate train(long until) throws Exception;

        ReplayGate.Result check(Candidate candidate, String serving) throws Exception;
    }

    /** A trained bundle, by version. */
    public record Candidate(String version) {
    }

    /** Impressions and clicks each arm got since the counters started. */
    public interface ArmCounters {
        Map<String, ArmCounts> read() throws Exception;
    }

    /** What the loop did and why: each is logged, counted and kept. */
    public record Event(long time, String kind, String candidate, String serving, String reason,
                        Map<String, Object> numbers) {
    }

    public interface Journal {
        void record(Event event);
    }

    /** How the loop runs. */
    public record Settings(long everyMillis, double treatmentShare, RolloutPolicy policy) {
        public Settings {
            if (everyMillis <= 0) {
                throw new IllegalArgumentException("the loop's interval must be positive");
            }
            if (!(treatmentShare > 0 && treatmentShare < 1)) {
                throw new IllegalArgumentException("the treatment share must be in (0, 1), got " + treatmentShare);
            }
        }
    }

    private record Rollout(String candidate, String serving, ArmCounts controlAtStart, ArmCounts treatmentAtStart) {
    }

    private final Serving serving;
    private final Candidates candidates;
    private final ArmCounters counters;
    private final Journal journal;
    private final Settings settings;
    private Rollout rollout;
    private long nextRound;

    public LearningLoop(Serving serving, Candidates candidates, ArmCounters counters, Journal journal,
                        Settings settings, long firstRound) {
        this.serving = serving;
        this.candidates = candidates;
        this.counters = counters;
        this.journal = journal;
        this.settings = settings;
        this.nextRound = firstRound;
    }

    /** One look: decide a rollout in progress, or start a round when one is due. */
    public void step(long now) throws Exception {
        Arms arms = serving.arms();
        if (rollout != null) {
            decide(now, arms);
        } else if (now >= nextRound) {
            nextRound = now + settings.everyMillis();
            if (arms.treatment() != null) {
                journal.record(new Event(now, "skipped", null, arms.control(), "a treatment the loop did not start"
                        + " is serving (" + arms.treatment() + "): a manual experiment wins", Map.of()));
                return;
            }
            round(now, arms.control());
        }
    }

    public boolean rollingOut() {
        return rollout != null;
    }

    private void round(long now, String servingVersion) throws Exception {
        Candidate candidate = candidates.train(now);
        ReplayGate.Result gate = candidates.check(candidate, servingVersion);
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("lists", gate.lists());
        numbers.put("candidate", gate.candidate());
        numbers.put("serving", gate.serving());
        if (!gate.offPolicy().isEmpty()) {
            numbers.put("off_policy", gate.offPolicy());
        }
        if (!gate.passed()) {
            journal.record(new Event(now, "gate_failed", candidate.version(), servingVersion, gate.reason(),
                    numbers));
            return;
        }
        journal.record(new Event(now, "gate_passed", candidate.version(), servingVersion, gate.reason(), numbers));
        Map<String, ArmCounts> start = counters.read();
        serving.serve(servingVersion, candidate.version(), settings.treatmentShare());
        rollout = new Rollout(candidate.version(), servingVersion, arm(start, "control"), arm(start, "treatment"));
        journal.record(new Event(now, "rollout_started", candidate.version(), servingVersion, String.format(
                "treatment at %.0f%% of users", 100 * settings.treatmentShare()), Map.of()));
    }

    private void decide(long now, Arms arms) throws Exception {
        Rollout current = rollout;
        if (!current.candidate().equals(arms.treatment()) || !current.serving().equals(arms.control())) {
            rollout = null;
            journal.record(new Event(now, "overridden", current.candidate(), current.serving(), "the API serves "
                    + arms + ", not the loop's arms: someone reloaded by hand, and that wins", Map.of()));
            return;
        }
        Map<String, ArmCounts> counts = counters.read();
        RolloutPolicy.Decision decision = settings.policy().decide(
                since(arm(counts, "control"), current.controlAtStart()),
                since(arm(counts, "treatment"), current.treatmentAtStart()));
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("p_treatment_better", decision.probabilityTreatmentBetter());
        numbers.put("control", decision.control());
        numbers.put("treatment", decision.treatment());
        switch (decision.action()) {
            case COLLECT -> journal.record(new Event(now, "collecting", current.candidate(), current.serving(),
                    decision.reason(), numbers));
            case PROMOTE -> {
                serving.makeCurrent(current.candidate());
                serving.serve(current.candidate(), null, 0);
                rollout = null;
                journal.record(new Event(now, "promoted", current.candidate(), current.serving(), decision.reason(),
                        numbers));
            }
            case ROLL_BACK -> {
                serving.serve(current.serving(), null, 0);
                rollout = null;
                journal.record(new Event(now, "rolled_back", current.candidate(), current.serving(),
                        decision.reason(), numbers));
            }
        }
    }

    private static ArmCounts arm(Map<String, ArmCounts> counts, String arm) {
        return counts.getOrDefault(arm, new ArmCounts(0, 0));
    }

    /**
     * Counts since the rollout started. Counters that went down were reset (the job restarted from a checkpoint
     * that predates them, or without state): what they hold now is then all that is known of the rollout.
     */
    private static ArmCounts since(ArmCounts now, ArmCounts start) {
        if (now.impressions() < start.impressions() || now.clicks() < start.clicks()) {
            return now;
        }
        // a click on a list shown just before the start can land just after it: never more clicks than impressions
        return new ArmCounts(now.impressions() - start.impressions(),
                Math.min(now.clicks() - start.clicks(), now.impressions() - start.impressions()));
    }
}
