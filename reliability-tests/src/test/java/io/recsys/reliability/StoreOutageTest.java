package io.recsys.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.recsys.api.RankerApi;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.FeatureStoreSink;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.jobs.features.StoreRecord;
import io.recsys.jobs.testing.KafkaTestTopics;
import io.recsys.jobs.testing.WindowedCountAssertions;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.OnlineStore;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feature store (a PostgreSQL server of the test's own) is stopped for 30 s while events stream through Kafka
 * into the feature job, with the ranker API serving on the same store. The job rides the outage out with the
 * embedded default's restart strategy ({@link FeatureJobSettings#defaults}) and afterwards every windowed count
 * equals a brute-force count of the log; meanwhile the API answers every request 200 within a client's timeout,
 * flagged {@code "degraded": true} with the reason, its circuit breaker opens so that reads skip the store instead
 * of each waiting for a connection, and once the store is back its answers are whole again.
 */
class StoreOutageTest {

    /**
     * Blocking work runs on a thread of its own, never on the common pool: with 2 cores that pool has one worker,
     * and on Java 25 CompletableFuture ran this task on it (on Java 17 it got a thread of its own), so a paced publisher
     * held up Flink's own asynchronous steps (a MiniCluster's TaskExecutor waited 72 s to register with its job).
     */
    private static final Executor OWN_THREAD = task -> new Thread(task, "publisher").start();

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final int PARTITIONS = 2;
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** ~11k events at this rate stream for ~70 s: the outage starts ~15 s in and ends with ~25 s still to come. */
    private static final int REQUESTS = 1_000;
    private static final double EVENTS_PER_SECOND = 150;
    /** How long a client waits for an answer; the API must answer within it, outage or not. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    /** Answers from this far into the outage on must say they are degraded (held values may serve before). */
    private static final long DEGRADED_AFTER_MILLIS = 5_000;
    /** The API's threads that read the store: 2 ranking workers (serve's default), the two refreshers. */
    private static final int STORE_READERS = 4;

    @Test
    void aThirtySecondStoreOutageLosesNoCountAndTheApiAnswersDegradedThroughIt(@TempDir Path dir) throws Exception {
        try (PrivatePostgres postgres = PrivatePostgres.start("recsys");
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            String store = postgres.jdbcUrl("recsys");
            String bootstrap = kafka.bootstrapServers();
            Simulator simulator = new Simulator(SimulatorConfig.small(17).withRequestGap(Duration.ofSeconds(20)));
            List<Event> events = simulator.history(REQUESTS);
            String eventsTopic = KafkaTestTopics.create(bootstrap, "events", PARTITIONS);
            String catalogueTopic = KafkaTestTopics.create(bootstrap, "items", 1);
            KafkaTestTopics.publish(bootstrap, catalogueTopic, 1,
                    simulator.catalogue().stream().map(ItemAttributes::toJson).toList());

            try (ApiUnderTest api = ApiUnderTest.start(dir, store, bootstrap, REGISTRY, CLIENT_TIMEOUT);
                 FeatureStore reader = FeatureStores.open(store, REGISTRY)) {
                WriterCount.reset();
                FeatureJob job = new FeatureJob(
                        KafkaEndpoints.events(kafka.connection(), eventsTopic, KafkaTestTopics.zeros(eventsTopic, PARTITIONS),
                                endOffsets(eventsTopic, events)),
                        KafkaEndpoints.catalogueUpToNow(kafka.connection(), catalogueTopic),
                        new WriterCount(new FeatureStoreSink(store, REGISTRY, 500, 50)),
                        KafkaEndpoints.sink(kafka.connection(), KafkaTestTopics.create(bootstrap, "dlq", 1)), REGISTRY);
                // the embedded default's restart strategy; checkpoints as often as the failover tests take them
                FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints"))
                        .withCheckpointInterval(Duration.ofSeconds(1));
                JobClient running = FeatureJobRunner.local(0).start(job, settings, "store-outage");
                try {
                    CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                        try (EventPublisher publisher = new EventPublisher(kafka.connection(), eventsTopic, PARTITIONS)) {
                            publisher.publish(events, EVENTS_PER_SECOND, sent -> { });
                        }
                    }, OWN_THREAD);

                    await("the job writes to the store", Duration.ofMinutes(2),
                            () -> processed(reader.online()) >= events.size() / 5);
                    assertThat(askFor(api, "u1", "u2", "u3")).as("answers before the outage").allMatch(Answer::whole);

                    assertThat(publishing).as("events still stream when the store stops").isNotDone();
                    long writtenBefore = processed(reader.online());
                    Outage outage = duringOutage(postgres, api);
                    assertThat(publishing).as("events still stream when the store is back").isNotDone();
                    long back = System.nanoTime();
                    await("whole answers once the store is back", Duration.ofMinutes(1),
                            () -> askFor(api, "u1", "u250").stream().allMatch(Answer::whole));
                    long wholeAfterMillis = (System.nanoTime() - back) / 1_000_000;

                    publishing.get(2, TimeUnit.MINUTES);
                    running.getJobExecutionResult().get(5, TimeUnit.MINUTES);

                    System.out.printf("store outage: %d events, %d in the store when it stopped; %d sink writers"
                                    + " created (%d at the start); whole answers %d ms after it was back%n",
                            events.size(), writtenBefore, WriterCount.CREATED.get(), 3 * PARTITIONS, wholeAfterMillis);
                    assertDegradedAnswers(outage.answers(), DEGRADED_AFTER_MILLIS);
                    assertTheBreakerSkippedTheStore(outage.before(), outage.end(), OUTAGE);
                    WindowedCountAssertions.assertEveryWindowedCountMatches(store, events, REGISTRY);
                } finally {
                    if (!running.getJobExecutionResult().isDone()) {
                        running.cancel().get(1, TimeUnit.MINUTES);
                    }
                }
            }
        }
    }

    /**
     * The catalogue's categories and the features of a fresh API are read on the first requests: with the store
     * gone before any request, nothing is held, and everything must come from the bundle and the registry.
     */
    @Test
    void anApiThatHasServedNothingYetAnswersDegradedWhileTheStoreIsDown(@TempDir Path dir) throws Exception {
        try (PrivatePostgres postgres = PrivatePostgres.start("recsys");
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
             ApiUnderTest api = ApiUnderTest.start(dir, postgres.jdbcUrl("recsys"), kafka.bootstrapServers(),
                     REGISTRY, CLIENT_TIMEOUT)) {
            BreakerCounts before = BreakerCounts.of(api.metrics());
            assertThat(api.get("/health/ready").status()).as("ready before the outage").isEqualTo(200);
            postgres.stop();
            long stopped = System.nanoTime();
            List<Answer> during = askFor(api, "u1", "u101", "u102", "u103");
            BreakerCounts end = BreakerCounts.of(api.metrics());
            Duration outage = Duration.ofNanos(System.nanoTime() - stopped);
            ApiUnderTest.Answer ready = api.get("/health/ready");
            ApiUnderTest.Answer features = api.get("/v1/features/item:i1");
            postgres.start();
            // it still answers (degraded), so it stays in its Service; the store's state is in the body
            assertThat(ready.status()).as("%s", ready).isEqualTo(200);
            assertThat(ready.json().get("store").asText()).isEqualTo("down");
            // a read of the store itself cannot be served degraded: a retryable refusal, not a server error
            assertThat(features.status()).as("%s", features).isEqualTo(503);
            assertThat(features.retryAfter()).isNotNull();
            assertThat(features.json().get("error").asText()).isEqualTo("store_unavailable");
            await("whole answers once the store is back", Duration.ofMinutes(1),
                    () -> askFor(api, "u1", "u101").stream().allMatch(Answer::whole));
            assertDegradedAnswers(during, 0);
            assertTheBreakerSkippedTheStore(before, end, outage);
        }
    }

    /** Every answer came in time with a list; from {@code degradedAfterMillis} on each says it is degraded, and why. */
    private static void assertDegradedAnswers(List<Answer> during, long degradedAfterMillis) {
        during.forEach(answer -> System.out.println("  during the outage: " + answer));
        assertThat(during).as("answers during the outage").isNotEmpty().allSatisfy(answer -> {
            assertThat(answer.status()).as("%s", answer).isEqualTo(200);
            assertThat(answer.items()).as("%s", answer).isPositive();
        });
        assertThat(during.stream().filter(answer -> answer.atMillis() >= degradedAfterMillis))
                .as("answers %d ms or more into the outage are degraded and say why", degradedAfterMillis)
                .isNotEmpty()
                .allSatisfy(answer -> {
                    assertThat(answer.degraded()).as("%s", answer).isTrue();
                    assertThat(answer.reasons()).as("%s", answer).anyMatch(r -> r.contains("feature store"));
                });
    }

    /**
     * The breaker opened, reads were still skipped at the end of the outage, and the store was read no more than it
     * takes to open the breaker, the reads already under way when it opened, and one probe per cool-down: the other
     * requests were answered without touching it.
     */
    private static void assertTheBreakerSkippedTheStore(BreakerCounts before, BreakerCounts end, Duration outage) {
        long failed = Math.round(end.failed() - before.failed());
        long skipped = Math.round(end.skipped() - before.skipped());
        long probes = outage.toMillis() / RankerApi.STORE_BREAKER_COOL_DOWN.toMillis() + 1;
        System.out.printf("store breaker over a %d s outage: opened %d time(s), %d reads failed, %d skipped;"
                        + " %s at its end%n", outage.toSeconds(), Math.round(end.opens() - before.opens()), failed,
                skipped, end.state());
        assertThat(end.opens() - before.opens()).as("times the breaker opened").isGreaterThanOrEqualTo(1);
        assertThat(end.state()).as("the breaker at the end of the outage").isIn("open", "half_open");
        assertThat(skipped).as("reads skipped").isPositive();
        assertThat(failed).as("reads that reached the store and failed: %d to open the breaker, up to %d under way"
                        + " then, up to %d probes", RankerApi.STORE_BREAKER_FAILURES, STORE_READERS, probes)
                .isLessThanOrEqualTo(RankerApi.STORE_BREAKER_FAILURES + STORE_READERS + probes);
    }

    /** The store breaker's series on the API's /metrics. */
    private record BreakerCounts(double opens, double failed, double skipped, String state) {

        static BreakerCounts of(String metrics) {
            Matcher current = Pattern.compile("(?m)^recsys_store_breaker_state\\{state=\"(\\w+)\",} 1\\.0$")
                    .matcher(metrics);
            return new BreakerCounts(value(metrics, "recsys_store_breaker_opens_total"),
                    value(metrics, "recsys_store_reads_total\\{outcome=\"failed\",}"),
                    value(metrics, "recsys_store_reads_total\\{outcome=\"skipped\",}"),
                    current.find() ? current.group(1) : "unknown");
        }

        private static double value(String metrics, String series) {
            Matcher matcher = Pattern.compile("(?m)^" + series + " ([\\d.E+-]+)$").matcher(metrics);
            return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
        }
    }

    /** The answers during an outage, and the breaker's series at its start and its end. */
    private record Outage(List<Answer> answers, BreakerCounts before, BreakerCounts end) {
    }

    /**
     * Stops the store for {@link #OUTAGE} and starts it again. Meanwhile another thread asks for a list about once a
     * second, taking turns between users asked before (features held) and users never seen (registry defaults), so
     * slow answers cannot stretch the outage; returns the answers that came back before the store did.
     */
    private static Outage duringOutage(PrivatePostgres postgres, ApiUnderTest api) throws Exception {
        BreakerCounts before = BreakerCounts.of(api.metrics());
        postgres.stop();
        long stopped = System.nanoTime();
        AtomicBoolean over = new AtomicBoolean();
        FutureTask<List<Answer>> asking = new FutureTask<>(() -> {
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; !over.get(); i++) {
                String userId = i % 2 == 0 ? "u" + (1 + i / 2 % 3) : "u" + (100 + i);
                long at = (System.nanoTime() - stopped) / 1_000_000;
                Answer answer = ask(api, userId, at);
                if (at + answer.millis() < OUTAGE.toMillis()) {
                    answers.add(answer);
                }
                Thread.sleep(1_000);
            }
            return answers;
        });
        new Thread(asking, "outage-probe").start();
        Thread.sleep(OUTAGE.toMillis());
        BreakerCounts end = BreakerCounts.of(api.metrics());
        postgres.start();
        over.set(true);
        return new Outage(asking.get(CLIENT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS), before, end);
    }

    /** One answer of the API; {@code atMillis}: how far into the outage it was asked for. */
    private record Answer(int status, boolean degraded, List<String> reasons, int items, long millis,
                          long atMillis) {
        boolean whole() {
            return status == 200 && !degraded;
        }

        @Override
        public String toString() {
            return String.format("at %5d ms: %d in %d ms, %d items, degraded %s %s", atMillis, status, millis, items,
                    degraded, reasons);
        }
    }

    private static Answer ask(ApiUnderTest api, String userId, long atMillis) {
        ApiUnderTest.Answer answer;
        try {
            answer = api.recommend(userId);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("asking for " + userId + " failed", e);
        }
        if (answer.status() != 200) {
            System.out.println("  " + userId + ": " + answer);
            return new Answer(answer.status(), false, List.of(), 0, answer.millis(), atMillis);
        }
        JsonNode body = answer.json();
        List<String> reasons = new ArrayList<>();
        body.path("degraded_reasons").forEach(reason -> reasons.add(reason.asText()));
        return new Answer(200, body.get("degraded").asBoolean(), reasons, body.get("items").size(), answer.millis(),
                atMillis);
    }

    private static List<Answer> askFor(ApiUnderTest api, String... users) {
        List<Answer> answers = new ArrayList<>();
        for (String userId : users) {
            answers.add(ask(api, userId, 0));
        }
        return answers;
    }

    /** Where the publisher will have put every event: it partitions by user, so the counts are known beforehand. */
    private static Map<TopicPartition, Long> endOffsets(String topic, List<Event> events) {
        Map<TopicPartition, Long> ends = new HashMap<>(KafkaTestTopics.zeros(topic, PARTITIONS));
        for (Event event : events) {
            ends.merge(new TopicPartition(topic, EventPublisher.partitionOf(event, PARTITIONS)), 1L, Long::sum);
        }
        return ends;
    }

    private static long processed(OnlineStore store) {
        Counters c = store.latestRow(EntityKey.GLOBAL).map(FeatureRow::counters).orElse(Counters.ZERO);
        return c.impressions() + c.clicks() + c.views() + c.addToCarts() + c.purchases();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(500);
        }
    }

    /** The real sink; counts the writers Flink creates, one per sink subtask per (re)start of the job. */
    static final class WriterCount implements Sink<StoreRecord> {
        static final AtomicInteger CREATED = new AtomicInteger();

        private final Sink<StoreRecord> delegate;

        WriterCount(Sink<StoreRecord> delegate) {
            this.delegate = delegate;
        }

        static void reset() {
            CREATED.set(0);
        }

        @Override
        public SinkWriter<StoreRecord> createWriter(WriterInitContext context) throws IOException {
            CREATED.incrementAndGet();
            return delegate.createWriter(context);
        }
    }
}
