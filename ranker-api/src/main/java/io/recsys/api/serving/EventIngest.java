package io.recsys.api.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recsys.kafka.Topics;
import io.recsys.schema.event.Decoded;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import io.recsys.schema.event.RejectReason;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POST /v1/events: one event or an array, all validated by the same codec the feature job uses. A batch is all or
 * nothing: if any event is invalid, none is published, the reasons come back with 400, the invalid ones go to the
 * dead-letter topic and are counted. A valid batch is answered 202 only once Kafka has acknowledged every event;
 * if it cannot, the answer is 503 with Retry-After, so the client keeps the events and nothing acknowledged is lost.
 */
public final class EventIngest {

    /** HTTP status and JSON body. */
    public record Outcome(int status, Map<String, Object> body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ACK_TIMEOUT_MILLIS = 10_000;

    private final KafkaProducer<String, String> producer;
    private final ApiMetrics metrics;
    private final Clock clock;

    public EventIngest(KafkaProducer<String, String> producer, ApiMetrics metrics, Clock clock) {
        this.producer = producer;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Outcome ingest(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            metrics.eventsRejected.labels(RejectReason.MALFORMED_JSON.label()).inc();
            return error(400, "bad_request", "the body is not JSON: " + e.getOriginalMessage());
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(nodes::add);
        } else {
            nodes.add(root);
        }
        if (nodes.isEmpty()) {
            return error(400, "bad_request", "the array holds no events");
        }
        List<Event> events = new ArrayList<>(nodes.size());
        List<Map<String, Object>> rejections = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Decoded decoded = EventCodec.decode(nodes.get(i), EventTimePolicy.DEFAULT, clock);
            if (decoded.isValid()) {
                events.add(decoded.event());
            } else {
                String reason = decoded.rejection().reason().label();
                metrics.eventsRejected.labels(reason).inc();
                deadLetter(reason, decoded.rejection().detail(), String.valueOf(nodes.get(i)));
                Map<String, Object> rejection = new LinkedHashMap<>();
                rejection.put("index", i);
                rejection.put("reason", reason);
                rejection.put("detail", decoded.rejection().detail());
                rejections.add(rejection);
            }
        }
        if (!rejections.isEmpty()) {
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("error", "invalid_events");
            response.put("message", rejections.size() + " of " + nodes.size()
                    + " events are invalid; none was published");
            response.put("rejected", rejections);
            return new Outcome(400, response);
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(events.size());
        try {
            long deadline = System.currentTimeMillis() + ACK_TIMEOUT_MILLIS;
            for (Event event : events) {
                Future<RecordMetadata> send = producer.send(new ProducerRecord<>(Topics.EVENTS, event.userId(),
                        EventCodec.encode(event)));
                if (send.isDone()) {
                    // refused before it was sent: no metadata or no buffer within max.block.ms. Each further send
                    // would wait as long again, so the batch fails now rather than after max.block.ms per event.
                    send.get();
                }
                sends.add(send);
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            metrics.countError(ErrorKind.KAFKA_PUBLISH);
            return error(503, "unavailable", "Kafka did not acknowledge the events (" + rootMessage(e)
                    + "); nothing is guaranteed stored, retry the whole batch");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "unavailable", "interrupted while waiting for Kafka; retry the whole batch");
        }
        metrics.eventsAccepted.inc(events.size());
        return new Outcome(202, Map.of("accepted", events.size()));
    }

    private void deadLetter(String reason, String detail, String raw) {
        ObjectNode letter = JSON.createObjectNode();
        letter.put("reason", reason);
        letter.put("detail", detail);
        letter.put("raw", raw.length() > EventCodec.MAX_RECORD_CHARS ? raw.substring(0, EventCodec.MAX_RECORD_CHARS)
                : raw);
        letter.put("rejected_at", Instant.now(clock).toString());
        letter.put("source", "api");
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTER, null, letter.toString()), (metadata, error) -> {
            if (error != null) {
                metrics.countError(ErrorKind.DEAD_LETTER_PUBLISH);
            }
        });
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static Outcome error(int status, String code, String message) {
        return new Outcome(status, Map.of("error", code, "message", message));
    }
}
