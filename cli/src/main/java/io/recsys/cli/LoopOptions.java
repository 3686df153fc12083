package io.recsys.cli;

import io.recsys.models.rollout.LearningLoop;
import io.recsys.models.rollout.ReplayGate;
import io.recsys.models.rollout.RolloutPolicy;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The learning loop's settings, shared by `trainer` and `demo --loop-every`. */
final class LoopOptions {

    @Option(names = "--holdout", defaultValue = "10m", converter = DurationConverter.class,
            description = "The most recent lists the replay gate compares the bundles on; the candidate trains on"
                    + " what came before (default: ${DEFAULT-VALUE}).")
    Duration holdout;

    @Option(names = "--train-window", defaultValue = "7d", converter = DurationConverter.class,
            description = "How far back the candidate's ranking training reaches (default: ${DEFAULT-VALUE}).")
    Duration trainWindow;

    @Option(names = "--treatment-share", defaultValue = "0.1",
            description = "Share of users a candidate that passed the gate serves (default: ${DEFAULT-VALUE}).")
    double treatmentShare;

    @Option(names = "--gate-margin", defaultValue = "0.005",
            description = "How far below the serving bundle's AUC and nDCG@10 a candidate may be and still pass the"
                    + " replay gate (default: ${DEFAULT-VALUE}).")
    double gateMargin;

    @Option(names = "--min-impressions", defaultValue = "5000",
            description = "Impressions each arm needs before the rollout is decided (default: ${DEFAULT-VALUE}).")
    long minImpressions;

    @Option(names = "--max-impressions", defaultValue = "200000",
            description = "Treatment impressions after which a candidate with no clear gain is rolled back"
                    + " (default: ${DEFAULT-VALUE}).")
    long maxImpressions;

    @Option(names = "--promote-above", defaultValue = "0.99",
            description = "P(treatment CTR > control CTR) at which the candidate is promoted (default:"
                    + " ${DEFAULT-VALUE}).")
    double promoteAbove;

    @Option(names = "--roll-back-below", defaultValue = "0.05",
            description = "P(treatment CTR > control CTR) at which it is rolled back (default: ${DEFAULT-VALUE}).")
    double rollBackBelow;

    ReplayGate gate() {
        return new ReplayGate(gateMargin, gateMargin);
    }

    LearningLoop.Settings settings(Duration every) {
        return new LearningLoop.Settings(every.toMillis(), treatmentShare,
                new RolloutPolicy(minImpressions, maxImpressions, promoteAbove, rollBackBelow));
    }
}
