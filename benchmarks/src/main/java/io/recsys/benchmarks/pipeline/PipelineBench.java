package io.recsys.benchmarks.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.progress.Progress;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.OnlineStore;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Throughput: N events over {@code keys} distinct users and items are published first, then the job consumes
 * them (Kafka → Flink → store) and the wall time from submission to completion is measured.
 * Freshness: events stamped with the wall clock are published at a steady rate to a running job while a probe
 * polls the store for marked events; the delay from event time to readable is recorded.
 * {@code ./recsys bench pipeline} parses the options into {@link Settings} and runs this.
 */
public final class PipelineBench {

    /** Impressions per generated list; each list gets one click, so a tenth of the events are clicks. */
    private static final int LIST_SIZE = 9;

    /**
     * The command's options; see {@code ./recsys bench pipeline --help}.
     *
     * @param replicaChangeFeed how the API replicas learn what was written: "kafka" or "store"
     * @param storeUrl          the feature store the job writes and the probes read
     * @param checkpoints       where the job's checkpoints go
     * @param progress          shown while the throughput run publishes its events
     */
    public record Settings(int events, int keys, String keyDistribution, String stateBackend, int parallelism,
                           int freshnessRate, int freshnessSeconds, int freshnessWarmupSeconds, int apiReplicas,
                           String replicaChangeFeed, Path out, String storeUrl, Path checkpoints, Progress progress) {

        public Settings {
            if (!replicaChangeFeed.equals("store") && !replicaChangeFeed.equals("kafka")) {
                throw new IllegalArgumentException("--replica-change-feed is store or kafka, not " + replicaChangeFeed);
            }
        }
    }

    private final int events;
    private final int keys;
    private final String keyDistribution;
    private final String stateBackend;
    private final int parallelism;
    private final int freshnessRate;
    private final int freshnessSeconds;
    private final int freshnessWarmupSeconds;
    private final int apiReplicas;
    private final String replicaChangeFeed;
    private final Path out;
    private final String storeUrl;
    private final Path checkpoints;
    private final Progress progress;

    public PipelineBench(Settings settings) {
        this.events = settings.events();
        this.keys = settings.keys();
        this.keyDistribution = settings.keyDistribution();
        this.stateBackend = settings.stateBackend();
        this.parallelism = settings.parallelism();
        this.freshnessRate = settings.freshnessRate();
        this.freshnessSeconds = settings.freshnessSeconds();
        this.freshnessWarmupSeconds = settings.freshnessWarmupSeconds();
        this.apiReplicas = settings.apiReplicas();
        this.replicaChangeFeed = settings.replicaChangeFeed();
        this.out = settings.out();
        this.storeUrl = settings.storeUrl();
        this.checkpoints = settings.checkpoints();
        this.progress = settings.progress();
    }

    /**
     * Runs the throughput and the freshness run (each when asked for) against Kafka at {@code connection}, writes
     * the results to {@code out} and prints them on standard output.
     */
    public void run(KafkaConnection connection) throws Exception {
        FeatureRegistry registry = FeatureRegistry.load();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("store", storeUrl.startsWith("jdbc:h2") ? "embedded-h2" : "postgresql");
        results.put("state_backend", stateBackend);
        results.put("parallelism", parallelism);
        results.put("cores", Runtime.getRuntime().availableProcessors());
        Topics.ensure(connection, parallelism);
        FeatureJobSettings settings = FeatureJobSettings.defaults(checkpoints)
                .withParallelism(parallelism).withStateBackend(stateBackend);
        if (events > 0) {
            results.put("throughput", throughput(connection, registry, settings));
        }
        if (freshnessSeconds > 0) {
            results.put("freshness", freshness(connection, registry, settings));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results);
        Files.writeString(out, json);
        System.out.println(json);
    }

    private Map<String, Object> throughput(KafkaConnection connection, FeatureRegistry registry,
                                           FeatureJobSettings settings) throws Exception {
        String topic = freshTopic(connection, "bench.events");
        SplittableRandom random = new SplittableRandom(1);
        KeyDistribution users = KeyDistribution.parse(keyDistribution, keys, 2);
        KeyDistribution items = KeyDistribution.parse(keyDistribution, keys, 3);
        long start = System.currentTimeMillis() - 86_400_000L;
        List<Event> generated = new ArrayList<>(events);
        // lists of nine impressions for one user, each followed by that user's click on one of them: clicks
        // that answer no list shown to their user would not count (FeedbackMatcher)
        String user = null;
        List<String> shown = new ArrayList<>(LIST_SIZE);
        for (int i = 0; i < events; i++) {
            String request = "r" + i / (LIST_SIZE + 1);
            int slot = i % (LIST_SIZE + 1);
            long time = start + i / 20;
            if (slot == 0) {
                user = "u" + users.next();
                shown.clear();
            }
            if (slot < LIST_SIZE) {
                String item = "i" + items.next();
                shown.add(item);
                generated.add(Event.impression("b" + i, request, user, item, slot + 1, "bench", null, null, time));
            } else {
                generated.add(Event.feedback("b" + i, EventType.CLICK, request, user,
                        shown.get(random.nextInt(LIST_SIZE)), time));
            }
        }
        Map<TopicPartition, Long> stop = new HashMap<>();
        Map<TopicPartition, Long> begin = new HashMap<>();
        for (int p = 0; p < parallelism; p++) {
            begin.put(new TopicPartition(topic, p), 0L);
            stop.put(new TopicPartition(topic, p), 0L);
        }
        for (Event event : generated) {
            stop.merge(new TopicPartition(topic, EventPublisher.partitionOf(event, parallelism)), 1L, Long::sum);
        }
        try (EventPublisher publisher = new EventPublisher(connection, topic, parallelism)) {
            progress.stage("publish", events);
            publisher.publish(generated, 0, progress::done);
            progress.finish();
        }
        generated.clear();
        double decodeOnly = decodeOnlyRate(connection, topic, begin, stop, settings);
        StoreFootprint before = StoreFootprint.of(storeUrl);
        FeatureJob job = FeatureJob.onKafka(connection, KafkaEndpoints.events(connection, topic, begin, stop),
                KafkaEndpoints.catalogueUpToNow(connection, Topics.CATALOGUE), storeUrl, registry,
                settings.sinkBatching());
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        JobClient client = FeatureJobRunner.startLocal(job, settings, 0, "bench-throughput");
        Path jobCheckpoints = checkpoints.resolve(client.getJobID().toString());
        long[] checkpointBytes = {0};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                checkpointBytes[0] = Math.max(checkpointBytes[0], sizeOf(jobCheckpoints));
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "checkpoint-size-sampler");
        sampler.setDaemon(true);
        sampler.start();
        client.getJobExecutionResult().get();
        double seconds = (System.nanoTime() - started) / 1e9;
        long cpuNanos = processCpuNanos() - cpuBefore;
        sampler.interrupt();
        StoreFootprint after = StoreFootprint.of(storeUrl);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", events);
        result.put("distinct_users_and_items", keys);
        result.put("key_distribution", keyDistribution);
        result.put("seconds_including_job_start", round(seconds));
        result.put("events_per_second", Math.round(events / seconds));
        result.put("decode_only_events_per_second", Math.round(decodeOnly));
        result.put("fraction_of_decode_only_rate", round3(events / seconds / decodeOnly));
        result.put("jvm_cpu_microseconds_per_event", round(cpuNanos / 1e3 / events));
        result.put("log_rows_per_event", round3((double) (after.logRows() - before.logRows()) / events));
        result.put("entities_written", after.latestRows() - before.latestRows());
        result.put("store_bytes_per_event", Math.round((double) (after.bytes() - before.bytes()) / events));
        result.put("largest_checkpoint_bytes", checkpointBytes[0]);
        long entities = Math.max(1, after.latestRows() - before.latestRows());
        result.put("checkpoint_bytes_per_entity", Math.round((double) checkpointBytes[0] / entities));
        System.err.printf("throughput: %d events in %.1f s = %.0f events/s (decode only: %.0f events/s)%n",
                events, seconds, events / seconds, decodeOnly);
        return result;
    }

    /**
     * The rate of a job that only reads and decodes the same events from Kafka and discards them: the limit the
     * machine sets for any job on this source, so the feature job's rate can be read as a fraction of it.
     */
    private double decodeOnlyRate(KafkaConnection connection, String topic, Map<TopicPartition, Long> begin,
                                  Map<TopicPartition, Long> stop, FeatureJobSettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                settings.parallelism(), settings.toConfiguration());
        env.fromSource(KafkaEndpoints.events(connection, topic, begin, stop), WatermarkStrategy.noWatermarks(),
                "events").sinkTo(new DiscardingSink<>());
        long started = System.nanoTime();
        env.execute("bench-decode-only");
        return events / ((System.nanoTime() - started) / 1e9);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long sizeOf(Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // a checkpoint file removed while walking
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a checkpoint directory removed while walking
        }
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private Map<String, Object> freshness(KafkaConnection connection, FeatureRegistry registry,
                                          FeatureJobSettings settings) throws Exception {
        String topic = freshTopic(connection, "bench.live");
        FeatureJob job = FeatureJob.onKafka(connection, KafkaEndpoints.events(connection, topic),
                KafkaEndpoints.catalogue(connection, Topics.CATALOGUE), storeUrl, registry,
                settings.sinkBatching());
        JobClient client = FeatureJobRunner.startLocal(job, settings, 0, "bench-freshness");
        List<Long> delays = new ArrayList<>();
        // probe delays by the wall-clock second they were sent in: slow probes bunched in a few seconds point at
        // bursts (folds at second boundaries, checkpoints) rather than at a steady queue
        TreeMap<Long, List<Long>> delaysBySecond = new TreeMap<>();
        KeyDistribution users = KeyDistribution.parse(keyDistribution, keys, 4);
        KeyDistribution items = KeyDistribution.parse(keyDistribution, keys, 5);
        boolean postgres = storeUrl.startsWith("jdbc:postgresql:");
        try (EventPublisher publisher = new EventPublisher(connection, topic, parallelism);
             FeatureStore store = FeatureStores.open(storeUrl, registry);
             ApiReplicaReads replicas = new ApiReplicaReads(apiReplicas, storeUrl,
                     replicaChangeFeed.equals("kafka") ? connection : null, registry, keyDistribution, keys)) {
            warmUp(publisher, store.online());
            if (postgres) {
                PostgresLoad.sample(storeUrl); // loads the driver and classes outside the run
            }
            long runStarted = System.nanoTime();
            PostgresLoad loadAtStart = null;
            long sent = 0;
            int probeEvery = Math.max(1, freshnessRate / 20);
            List<long[]> probes = new ArrayList<>();
            List<String> probeItems = new ArrayList<>();
            long warmupNanos = freshnessWarmupSeconds * 1_000_000_000L;
            while (System.nanoTime() - runStarted < warmupNanos + freshnessSeconds * 1_000_000_000L) {
                long due = runStarted + (long) (sent * 1e9 / freshnessRate);
                if (System.nanoTime() < due) {
                    pollProbes(store.online(), probes, probeItems, delays, delaysBySecond);
                    continue;
                }
                if (loadAtStart == null && postgres && System.nanoTime() - runStarted >= warmupNanos) {
                    // before the first probe's clock starts, so the sample's own time is not in its delay
                    loadAtStart = PostgresLoad.sample(storeUrl);
                    continue;
                }
                long now = System.currentTimeMillis();
                boolean probe = sent % probeEvery == 0 && System.nanoTime() - runStarted >= warmupNanos;
                String item = probe ? "probe-" + sent : "i" + items.next();
                publisher.send(Event.impression("f" + sent, "fr" + sent, "u" + users.next(), item, 1,
                        "bench", null, null, now));
                if (probe) {
                    probes.add(new long[]{now});
                    probeItems.add(item);
                }
                sent++;
            }
            PostgresLoad loadAtEnd = postgres ? PostgresLoad.sample(storeUrl) : null;
            long drainUntil = System.currentTimeMillis() + 10_000;
            while (!probes.isEmpty() && System.currentTimeMillis() < drainUntil) {
                pollProbes(store.online(), probes, probeItems, delays, delaysBySecond);
            }
            client.cancel().get(30, TimeUnit.SECONDS);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("events_per_second", freshnessRate);
            result.put("key_distribution", keyDistribution);
            result.put("seconds", freshnessSeconds);
            result.put("warmup_seconds", freshnessWarmupSeconds);
            result.put("probes", delays.size());
            result.put("probes_never_seen", probes.size());
            delays.sort(Long::compare);
            result.put("p50_ms", percentile(delays, 0.50));
            result.put("p99_ms", percentile(delays, 0.99));
            result.put("max_ms", delays.isEmpty() ? null : delays.get(delays.size() - 1));
            result.put("slowest_seconds", slowestSeconds(delaysBySecond, 5));
            result.put("api_replicas", apiReplicas);
            result.put("replica_change_feed", replicaChangeFeed);
            if (loadAtStart != null) {
                result.put("store_cpu_cores", round3(loadAtStart.coresUntil(loadAtEnd)));
                result.put("store_rows_read_per_second", Math.round(loadAtStart.rowsReadPerSecondUntil(loadAtEnd)));
                System.err.println("PostgreSQL while measured: " + loadAtStart.describeUntil(loadAtEnd));
            }
            System.err.printf("freshness at %d events/s: p50 %s ms, p99 %s ms over %d probes%n", freshnessRate,
                    result.get("p50_ms"), result.get("p99_ms"), delays.size());
            return result;
        }
    }

    /** Waits until the job is running and writing before measuring. */
    private void warmUp(EventPublisher publisher, OnlineStore store) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        String item = "warmup-" + UUID.randomUUID();
        publisher.send(Event.impression("w-" + item, "w", "u0", item, 1, "bench", null, null,
                System.currentTimeMillis()));
        while (store.latestRow(EntityKey.item(item)).isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the job wrote nothing within 2 minutes");
            }
            Thread.sleep(50);
        }
    }

    /** The {@code n} seconds with the slowest probe: seconds since the first probe, probes, over 500 ms, max. */
    private static List<Map<String, Object>> slowestSeconds(TreeMap<Long, List<Long>> bySecond, int n) {
        long first = bySecond.isEmpty() ? 0 : bySecond.firstKey();
        return bySecond.entrySet().stream()
                .sorted((a, b) -> Long.compare(Collections.max(b.getValue()), Collections.max(a.getValue())))
                .limit(n)
                .map(second -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("second", second.getKey() - first);
                    row.put("probes", second.getValue().size());
                    row.put("over_500_ms", second.getValue().stream().filter(d -> d > 500).count());
                    row.put("max_ms", Collections.max(second.getValue()));
                    return row;
                })
                .toList();
    }

    private static void pollProbes(OnlineStore store, List<long[]> probes, List<String> items,
                                   List<Long> delays, TreeMap<Long, List<Long>> delaysBySecond) {
        for (int i = probes.size() - 1; i >= 0; i--) {
            Optional<FeatureRow> row = store.latestRow(EntityKey.item(items.get(i)));
            if (row.isPresent()) {
                long delay = System.currentTimeMillis() - probes.get(i)[0];
                delays.add(delay);
                delaysBySecond.computeIfAbsent(probes.get(i)[0] / 1000, second -> new ArrayList<>()).add(delay);
                probes.remove(i);
                items.remove(i);
            }
        }
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Long percentile(List<Long> sorted, double q) {
        return sorted.isEmpty() ? null : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private String freshTopic(KafkaConnection connection, String prefix) throws Exception {
        String name = prefix + "." + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(connection.clientConfig(Map.of()))) {
            admin.createTopics(List.of(new NewTopic(name, parallelism, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return name;
    }
}
