package io.recsys.cli;

import io.recsys.benchmarks.pipeline.PipelineBench;
import io.recsys.kafka.embedded.EmbeddedKafka;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that write their numbers.",
        subcommands = {BenchCommand.PipelineBenchCommand.class, AnnBenchCommand.class, ApiBenchCommand.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usage: recsys bench pipeline --help");
    }

    /** {@code ./recsys bench pipeline}: the options of {@link PipelineBench}, which measures; Kafka is started here. */
    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "Sustained events/s through Kafka → Flink → store, and freshness at a steady load.")
    static final class PipelineBenchCommand implements Callable<Integer> {

        @Option(names = "--events", defaultValue = "2000000", description = "Events for the throughput run.")
        int events;

        @Option(names = "--keys", defaultValue = "1000000", description = "Distinct users and distinct items.")
        int keys;

        @Option(names = "--key-distribution", defaultValue = "uniform",
                description = "How users and items are drawn: uniform or zipf:S (e.g. zipf:1.1).")
        String keyDistribution;

        @Option(names = "--state-backend", defaultValue = "rocksdb", description = "rocksdb or hashmap.")
        String stateBackend;

        @Option(names = "--parallelism", defaultValue = "2")
        int parallelism;

        @Option(names = "--freshness-rate", defaultValue = "10000", description = "Events/s for the freshness run.")
        int freshnessRate;

        @Option(names = "--freshness-seconds", defaultValue = "30")
        int freshnessSeconds;

        @Option(names = "--freshness-warmup-seconds", defaultValue = "30",
                description = "Seconds at the freshness rate before probes are measured (JIT, caches, first checkpoints).")
        int freshnessWarmupSeconds;

        @Option(names = "--api-replicas", defaultValue = "0",
                description = "API replicas reading the store during the freshness run (their store side only:"
                        + " change-feed looks, re-reads, trending, a request's features 20 times a second).")
        int apiReplicas;

        @Option(names = "--replica-change-feed", defaultValue = "kafka", paramLabel = "kafka|store",
                description = "How the --api-replicas learn what was written (serve's --change-feed).")
        String replicaChangeFeed;

        @Option(names = "--out", defaultValue = "out/bench-pipeline.json", description = "Where to write results.")
        Path out;

        @Mixin
        Environment environment;

        @ArgGroup(exclusive = false)
        Environment.KafkaOption kafka = new Environment.KafkaOption();

        @Override
        public Integer call() throws Exception {
            try (ConsoleProgress progress = new ConsoleProgress()) {
                PipelineBench bench = new PipelineBench(new PipelineBench.Settings(events, keys, keyDistribution,
                        stateBackend, parallelism, freshnessRate, freshnessSeconds, freshnessWarmupSeconds,
                        apiReplicas, replicaChangeFeed, out, environment.storeUrl(), environment.checkpoints(),
                        progress));
                try (EmbeddedKafka embedded = kafka.startEmbeddedUnlessExternal(environment.dataDir)) {
                    bench.run(kafka.connection(embedded));
                }
            }
            return 0;
        }
    }
}
