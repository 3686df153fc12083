package io.recsys.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.kafka.Topics;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.testing.TestDatabases;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka broker behind {@code POST /v1/events} goes down for 30 s and comes back on the same port and log
 * directory while a client keeps posting batches of events, resending a refused batch after the Retry-After it was
 * given. While the broker is down the API answers 503 with Retry-After, within the client's timeout; afterwards
 * every event the API acknowledged with 202 is in the topic. A resent batch may be there twice (at-least-once):
 * only loss is a failure.
 */
class BrokerOutageTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A post the broker's going down catches is refused after 8 s, and the client waits Retry-After (5 s) before the
     * next: 30 s leaves room for at least one post sent and answered entirely within the outage.
     */
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** The API's producer gives up on a send after 8 s (delivery timeout); a client waiting 15 s hears why. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
    private static final int BATCH = 5;
    private static final int BATCHES_BEFORE = 20;
    private static final int BATCHES_AFTER = 20;

    @Test
    void whileTheBrokerIsDownPostsGet503WithRetryAfterAndNoAcknowledgedEventIsLost(@TempDir Path dir)
            throws Exception {
        Client client = new Client();
        try (RestartableKafka kafka = RestartableKafka.start(dir.resolve("kafka"));
             ApiUnderTest api = ApiUnderTest.start(dir, TestDatabases.freshH2(), kafka.bootstrapServers(), REGISTRY,
                     CLIENT_TIMEOUT)) {
            FutureTask<Void> posting = new FutureTask<>(() -> {
                client.postUntilStopped(api);
                return null;
            });
            new Thread(posting, "events-client").start();

            client.awaitAcknowledged(BATCHES_BEFORE * BATCH, posting);
            kafka.stop();
            long down = System.nanoTime();
            client.markOutage(true);
            Thread.sleep(OUTAGE.toMillis());
            kafka.start();
            client.markOutage(false);
            long downMillis = (System.nanoTime() - down) / 1_000_000;
            client.awaitAcknowledged(client.acknowledged().size() + BATCHES_AFTER * BATCH, posting);
            client.stop();
            posting.get(1, TimeUnit.MINUTES);

            List<Client.Response> responses = client.responses();
            Set<String> acknowledged = client.acknowledged();
            Map<String, Integer> inTopic = eventIdsInTopic(kafka.bootstrapServers(), acknowledged);
            long duplicates = inTopic.values().stream().filter(n -> n > 1).count();
            System.out.printf("broker outage: down %d ms; %d responses (%d of them 503), %d events acknowledged,"
                            + " %d in the topic, %d there twice or more; slowest answer %d ms%n", downMillis,
                    responses.size(), responses.stream().filter(r -> r.status() == 503).count(), acknowledged.size(),
                    inTopic.size(), duplicates, responses.stream().mapToLong(Client.Response::millis).max().orElse(0));
            responses.stream().filter(r -> r.status() != 202 || r.duringOutage())
                    .forEach(r -> System.out.println("  " + r));

            assertThat(responses).as("every post answered in time, 202 or 503").allSatisfy(response ->
                    assertThat(response.status()).as("%s", response).isIn(202, 503));
            assertThat(responses).as("every 503 says when to retry").filteredOn(r -> r.status() == 503)
                    .isNotEmpty().allSatisfy(r -> assertThat(r.retryAfter()).as("%s", r).isNotBlank());
            assertThat(responses).as("posts sent while the broker was down").filteredOn(Client.Response::duringOutage)
                    .isNotEmpty().noneMatch(r -> r.status() == 202);
            assertThat(inTopic.keySet()).as("every acknowledged event is in the topic").containsAll(acknowledged);
        } finally {
            client.stop();
        }
    }

    /**
     * An API that has published nothing yet has no metadata for the events topic; with the broker down, each send
     * of a batch waits for it (the producer's max.block.ms) before failing. The answer must still come in time.
     */
    @Test
    void aBatchPostedBeforeTheApiHasReachedTheBrokerIsRefusedInTimeAndAcceptedOnceItIsBack(@TempDir Path dir)
            throws Exception {
        try (RestartableKafka kafka = RestartableKafka.start(dir.resolve("kafka"));
             ApiUnderTest api = ApiUnderTest.start(dir, TestDatabases.freshH2(), kafka.bootstrapServers(), REGISTRY,
                     CLIENT_TIMEOUT)) {
            kafka.stop();
            List<String> ids = new ArrayList<>();
            String batch = batchOfClicks("early", 50, ids);
            ApiUnderTest.Answer refused = api.postEvents(batch);
            kafka.start();
            ApiUnderTest.Answer accepted = api.postEvents(batch);
            System.out.println("broker down, no metadata: " + refused + "\nbroker back: " + accepted);

            assertThat(refused.status()).as("%s", refused).isEqualTo(503);
            assertThat(refused.retryAfter()).as("%s", refused).isNotBlank();
            assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
            assertThat(eventIdsInTopic(kafka.bootstrapServers(), Set.copyOf(ids)).keySet()).containsAll(ids);
        }
    }

    /** A JSON array of {@code count} clicks with ids {@code prefix-0...}; the ids are added to {@code ids}. */
    private static String batchOfClicks(String prefix, int count, List<String> ids) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            ids.add(id);
            events.add(EventCodec.encode(Event.feedback(id, EventType.CLICK, null, "u" + (i % 40), "i" + (1 + i % 200),
                    System.currentTimeMillis())));
        }
        return "[" + String.join(",", events) + "]";
    }

    /**
     * Posts batches of fresh events one after another; a batch refused with 503 is sent again, unchanged, after the
     * Retry-After it came with. Records every answer and the ids of every event acknowledged with 202.
     */
    private static final class Client {

        record Response(int status, String retryAfter, long millis, boolean duringOutage, String body) {
            @Override
            public String toString() {
                return (duringOutage ? "[broker down] " : "") + status + " in " + millis + " ms, Retry-After "
                        + retryAfter + ": " + body;
            }
        }

        private final List<Response> responses = Collections.synchronizedList(new ArrayList<>());
        private final Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile boolean outage;

        void postUntilStopped(ApiUnderTest api) throws IOException, InterruptedException {
            for (int batch = 0; !stopped.get(); batch++) {
                List<String> ids = new ArrayList<>();
                String body = batchOfClicks("b" + batch, BATCH, ids);
                while (!stopped.get()) {
                    boolean sentDuringOutage = outage;
                    ApiUnderTest.Answer answer = api.postEvents(body);
                    responses.add(new Response(answer.status(), answer.retryAfter(), answer.millis(),
                            sentDuringOutage && outage, answer.body()));
                    if (answer.status() == 202) {
                        acknowledged.addAll(ids);
                        break;
                    }
                    if (answer.status() != 503 || answer.retryAfter() == null) {
                        return;
                    }
                    Thread.sleep(Long.parseLong(answer.retryAfter()) * 1_000);
                }
            }
        }

        void markOutage(boolean down) {
            outage = down;
        }

        void stop() {
            stopped.set(true);
        }

        Set<String> acknowledged() {
            synchronized (acknowledged) {
                return new HashSet<>(acknowledged);
            }
        }

        List<Response> responses() {
            synchronized (responses) {
                return new ArrayList<>(responses);
            }
        }

        void awaitAcknowledged(int events, Future<Void> posting) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (acknowledged.size() < events) {
                if (posting.isDone()) {
                    posting.get();
                    throw new AssertionError("the client stopped on an answer other than 202 or 503: "
                            + responses.get(responses.size() - 1));
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("fewer than " + events + " events acknowledged within 2 minutes; "
                            + "last answer: " + responses.get(responses.size() - 1));
                }
                Thread.sleep(100);
            }
        }
    }

    /** How often each event id stands in the events topic, read from the start until every wanted id was seen. */
    private static Map<String, Integer> eventIdsInTopic(String bootstrap, Set<String> wanted) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "broker-outage-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.EVENTS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (var record : records) {
                    seen.merge(JSON.readTree(record.value()).get("event_id").asText(), 1, Integer::sum);
                }
                if (records.isEmpty() && seen.keySet().containsAll(wanted)) {
                    break;
                }
            }
        }
        return seen;
    }
}
