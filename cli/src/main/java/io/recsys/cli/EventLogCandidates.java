package io.recsys.cli;

import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.rollout.LearningLoop;
import io.recsys.models.rollout.ReplayGate;
import io.recsys.models.training.ImpressionGroup;
import io.recsys.models.training.ImpressionLog;
import io.recsys.models.training.PointInTimeJoin;
import io.recsys.progress.Progress;
import io.recsys.schema.event.Event;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.FeatureStore;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learning loop's candidates: each round reads the logged events from Kafka, trains on the lists shown in
 * [until − window, until − holdout) and keeps the last {@code holdout} of lists for the replay gate, so neither
 * bundle trained on what they are compared on (the serving bundle's own training end counts too). The gate's result
 * is written beside the candidate's models as {@code gate.json}.
 */
final class EventLogCandidates implements LearningLoop.Candidates {

    static final String GATE_FILE = "gate.json";

    private final KafkaConnection kafka;
    private final FeatureStore store;
    private final FeatureRegistry registry;
    private final BundleRegistry bundles;
    private final Duration window;
    private final Duration holdout;
    private final ReplayGate gate;
    private List<Event> events = List.of();
    private Map<String, String> categories = Map.of();
    private long until;

    EventLogCandidates(KafkaConnection kafka, FeatureStore store, FeatureRegistry registry,
                       BundleRegistry bundles, Duration window, Duration holdout, ReplayGate gate) {
        if (holdout.isNegative() || holdout.isZero() || holdout.compareTo(window) >= 0) {
            throw new IllegalArgumentException("the gate's holdout (" + holdout + ") must be positive and shorter"
                    + " than the training window (" + window + ")");
        }
        this.kafka = kafka;
        this.store = store;
        this.registry = registry;
        this.bundles = bundles;
        this.window = window;
        this.holdout = holdout;
        this.gate = gate;
    }

    @Override
    public LearningLoop.Candidate train(long now) throws Exception {
        try (KafkaEventLog log = KafkaEventLog.open(kafka, Topics.EVENTS)) {
            events = log.read(now, read -> {
            }).events();
        }
        until = now;
        categories = EventLogTraining.categories(store.catalogue(), events);
        long trainUntil = now - holdout.toMillis();
        String version = "loop-" + Instant.ofEpochMilli(now).toString().replace(":", "").replace(".", "");
        Map<String, Object> round = new LinkedHashMap<>();
        round.put("trained_by", "learning loop");
        round.put("gate_holdout_from", Instant.ofEpochMilli(trainUntil).toString());
        EventLogTraining.train(events, categories, store.offline(), registry, bundles.root(), version,
                trainUntil - window.toMillis(), trainUntil, round, Progress.NONE);
        return new LearningLoop.Candidate(version);
    }

    @Override
    public ReplayGate.Result check(LearningLoop.Candidate candidate, String serving) throws Exception {
        try (ModelBundle candidateBundle = ModelBundle.load(bundles.path(candidate.version()), registry);
             ModelBundle servingBundle = ModelBundle.load(bundles.path(serving), registry)) {
            long from = Math.max(until - holdout.toMillis(),
                    Instant.parse(servingBundle.manifest().trainedUntil()).toEpochMilli());
            List<ImpressionGroup> lists = ImpressionLog.groups(events, from, until);
            ReplayGate.Result result = gate.check(candidateBundle, servingBundle, lists,
                    new PointInTimeJoin(store.offline(), RankingFeatures.all(), categories),
                    ImpressionLog.exploredHeads(events, from, until));
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("serving", serving);
            record.put("passed", result.passed());
            record.put("reason", result.reason());
            record.put("lists", result.lists());
            record.put("lists_from", Instant.ofEpochMilli(from).toString());
            record.put("lists_until", Instant.ofEpochMilli(until).toString());
            record.put("candidate_metrics", result.candidate());
            record.put("serving_metrics", result.serving());
            record.put("off_policy", result.offPolicy());
            Files.writeString(bundles.path(candidate.version()).resolve(GATE_FILE),
                    new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                            .writeValueAsString(record));
            return result;
        }
    }
}
