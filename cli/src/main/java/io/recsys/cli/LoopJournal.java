package io.recsys.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.recsys.models.evaluation.ImpressionMetrics;
import io.recsys.models.rollout.LearningLoop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the learning loop's decisions go: one JSON line each in {@code loop-journal.jsonl} beside the bundles (the
 * record an operator reads back), a line on stderr, and metrics — decisions by kind, the last gate's AUC and
 * nDCG@10 of candidate and serving bundle, the rollout's P(treatment better), and whether one is in progress.
 */
public final class LoopJournal implements LearningLoop.Journal {

    static final String FILE = LearningLoop.JOURNAL_FILE;
    /** Every kind of event the loop records, registered at 0 so a quiet loop shows zeros, not "no data". */
    static final List<String> KINDS = List.of("skipped", "gate_failed", "gate_passed", "rollout_started",
            "collecting", "promoted", "rolled_back", "overridden");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Counter events;
    private final Gauge gate;
    private final Gauge treatmentBetter;
    private final Gauge rollingOut;
    private final Counter failures;

    public LoopJournal(Path bundles, CollectorRegistry registry) {
        this.file = bundles.resolve(FILE);
        events = Counter.build("recsys_loop_events_total", "What the learning loop did, by kind: a round skipped,"
                + " a candidate stopped or passed by the replay gate, a rollout started, a look that keeps collecting,"
                + " a promotion, a roll-back, a manual override").labelNames("kind").register(registry);
        KINDS.forEach(events::labels);
        gate = Gauge.build("recsys_loop_gate_metric", "The last replay gate's metrics on the same recent lists, for"
                + " the candidate and the serving bundle (NaN before the first gate)").labelNames("bundle", "metric")
                .register(registry);
        for (String bundle : List.of("candidate", "serving")) {
            for (String metric : List.of(ImpressionMetrics.AUC, ImpressionMetrics.NDCG_10)) {
                gate.labels(bundle, metric).set(Double.NaN);
            }
        }
        treatmentBetter = Gauge.build("recsys_loop_treatment_better_probability",
                "P(treatment CTR > control CTR) at the rollout's last look (NaN when none is running)")
                .register(registry);
        treatmentBetter.set(Double.NaN);
        failures = Counter.build("recsys_loop_failures_total", "Looks of the learning loop that failed (training,"
                + " the API or the job's metrics unreachable); each is tried again at the next look")
                .register(registry);
        rollingOut = Gauge.build("recsys_loop_rollout_in_progress", "1 while a candidate serves as the treatment arm")
                .register(registry);
    }

    @Override
    public void record(LearningLoop.Event event) {
        events.labels(event.kind()).inc();
        switch (event.kind()) {
            case "gate_passed", "gate_failed" -> {
                setGate("candidate", event.numbers().get("candidate"));
                setGate("serving", event.numbers().get("serving"));
            }
            case "rollout_started" -> rollingOut.set(1);
            case "collecting" -> treatmentBetter.set((Double) event.numbers().get("p_treatment_better"));
            case "promoted", "rolled_back", "overridden" -> {
                rollingOut.set(0);
                treatmentBetter.set(Double.NaN);
            }
            default -> {
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(event.time()).toString());
        line.put("kind", event.kind());
        line.put("candidate", event.candidate());
        line.put("serving", event.serving());
        line.put("reason", event.reason());
        line.put("numbers", event.numbers());
        try {
            String json = JSON.writeValueAsString(line);
            Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            System.err.println("learning loop: " + event.kind() + " " + (event.candidate() == null ? ""
                    : event.candidate() + " ") + "— " + event.reason());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the learning loop's journal " + file, e);
        }
    }

    /** A look that failed: counted and logged with its cause; the loop goes on. */
    void failed(Exception e) {
        failures.inc();
        System.err.println("learning loop: a look failed, trying again at the next: " + e);
    }

    @SuppressWarnings("unchecked")
    private void setGate(String bundle, Object metrics) {
        if (metrics instanceof Map<?, ?> values) {
            for (String metric : List.of(ImpressionMetrics.AUC, ImpressionMetrics.NDCG_10)) {
                Object value = ((Map<String, Object>) values).get(metric);
                if (value instanceof Number number) {
                    gate.labels(bundle, metric).set(number.doubleValue());
                }
            }
        }
    }
}
