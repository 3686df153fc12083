package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.kafka.EventPublisher;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.simulator.Simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Simulated users who ask the ranker API what to see and react to what it served, in real time: the API logs the
 * list's impressions with the user's experiment arm, and the user's clicks (by the simulator's own click model)
 * answer its request id seconds later. This is the traffic on which each arm's CTR, and so the learning loop's
 * rollouts, are measured; the simulator's own lists (LiveSimulation) carry no arm.
 */
final class ServedTraffic implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One list the API served: when, by which bundle and arm, how many items, and how many the user clicked. */
    record Served(long time, String modelVersion, String arm, int items, int clicks) {
    }

    private final Simulator simulator;
    private final EventPublisher publisher;
    private final String base;
    private final double listsPerSecond;
    private final int listSize;
    private final SplittableRandom random = new SplittableRandom(7);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final PriorityQueue<Event> due = new PriorityQueue<>(Comparator.comparingLong(Event::eventTime));
    private final AtomicLong lists = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Consumer<Served> onServed;
    private volatile boolean running = true;

    ServedTraffic(Simulator simulator, EventPublisher publisher, String base, double listsPerSecond) {
        this(simulator, publisher, base, listsPerSecond, served -> {
        });
    }

    /** @param onServed told of each list served, on the traffic's thread, as soon as the user's reactions are known */
    ServedTraffic(Simulator simulator, EventPublisher publisher, String base, double listsPerSecond,
                  Consumer<Served> onServed) {
        if (!(listsPerSecond > 0)) {
            throw new IllegalArgumentException("served lists per second must be positive, got " + listsPerSecond);
        }
        this.simulator = simulator;
        this.publisher = publisher;
        this.base = base;
        this.listsPerSecond = listsPerSecond;
        this.listSize = simulator.config().listSize();
        this.onServed = onServed;
    }

    long lists() {
        return lists.get();
    }

    /** Requests the API did not answer with a list (shed, failed): each is a list nobody was shown. */
    long failures() {
        return failures.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        long gapNanos = (long) (1e9 / listsPerSecond);
        long next = System.nanoTime();
        while (running && !Thread.currentThread().isInterrupted()) {
            if (System.nanoTime() >= next) {
                next += gapNanos;
                askAndReact();
            }
            long now = System.currentTimeMillis();
            while (!due.isEmpty() && due.peek().eventTime() <= now) {
                publisher.send(due.poll());
            }
            try {
                Thread.sleep(Math.max(1, Math.min(50, (next - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void askAndReact() {
        String user = Simulator.userId(random.nextInt(simulator.config().users()));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/v1/recommendations?k=" + listSize + "&user_id=" + user)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                failures.incrementAndGet();
                return;
            }
            JsonNode list = JSON.readTree(response.body());
            List<String> items = new ArrayList<>();
            list.path("items").forEach(item -> items.add(item.path("item_id").asText()));
            long now = System.currentTimeMillis();
            List<Event> reactions = simulator.reactions(list.path("request_id").asText(), user, items, now);
            due.addAll(reactions);
            lists.incrementAndGet();
            onServed.accept(new Served(now, list.path("model_version").asText(), list.path("experiment_arm").asText(),
                    items.size(), (int) reactions.stream().filter(e -> e.type() == EventType.CLICK).count()));
        } catch (java.io.IOException e) {
            failures.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
