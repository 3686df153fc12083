package io.recsys.cli;

import io.recsys.kafka.EventPublisher;
import io.recsys.schema.event.Event;
import io.recsys.simulator.Simulator;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives the simulator in real time: lists are shown now, and the users' reactions are published when they happen
 * (not when they are decided), so event time and publish time agree as they would in production.
 */
final class LiveSimulation implements Runnable {

    private final Simulator simulator;
    private final EventPublisher publisher;
    private final double requestsPerSecond;
    private final PriorityQueue<Event> due = new PriorityQueue<>(Comparator.comparingLong(Event::eventTime));
    private final AtomicLong published = new AtomicLong();
    private volatile boolean running = true;

    LiveSimulation(Simulator simulator, EventPublisher publisher, double requestsPerSecond) {
        this.simulator = simulator;
        this.publisher = publisher;
        this.requestsPerSecond = requestsPerSecond;
    }

    long published() {
        return published.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        long gapNanos = (long) (1e9 / requestsPerSecond);
        long next = System.nanoTime();
        while (running) {
            long now = System.currentTimeMillis();
            if (System.nanoTime() >= next) {
                due.addAll(simulator.request(now));
                next += gapNanos;
            }
            while (!due.isEmpty() && due.peek().eventTime() <= now) {
                Event event = due.poll();
                publisher.send(event);
                published.incrementAndGet();
            }
            sleepMillis(Math.max(1, Math.min(50, (next - System.nanoTime()) / 1_000_000)));
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
