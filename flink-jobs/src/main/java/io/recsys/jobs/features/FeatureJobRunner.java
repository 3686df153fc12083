package io.recsys.jobs.features;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the feature job runs: a local MiniCluster in this JVM (the embedded default) or a Flink cluster. */
@FunctionalInterface
public interface FeatureJobRunner {

    MemorySize EMBEDDED_MANAGED_MEMORY = MemorySize.ofMebiBytes(1024);

    JobClient start(FeatureJob job, FeatureJobSettings settings, String jobName) throws Exception;

    /** A MiniCluster in this JVM; {@code prometheusPort} serves the job's metrics, or 0 for none. */
    static FeatureJobRunner local(int prometheusPort) {
        return (job, settings, jobName) -> startLocal(job, settings, prometheusPort, jobName);
    }

    /**
     * The JobManager at {@code restAddress} ({@code http://host:port}): the graph is built here and submitted over
     * REST together with {@code jobJar}, the shaded feature-job jar the TaskManagers load the job's classes from.
     */
    static FeatureJobRunner remote(String restAddress, Path jobJar) {
        URI uri = URI.create(restAddress);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("--jobmanager must look like http://HOST:PORT, got '" + restAddress
                    + "'");
        }
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalArgumentException("the feature-job jar " + jobJar + " does not exist; build it with"
                    + " mvn -B package -DskipTests");
        }
        return (job, settings, jobName) -> {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(uri.getHost(),
                    uri.getPort(), settings.toConfiguration(), jobJar.toAbsolutePath().toString());
            env.setParallelism(settings.parallelism());
            job.build(env);
            return env.executeAsync(jobName);
        };
    }

    /**
     * @param prometheusPort where Flink's Prometheus reporter serves the job's metrics, or 0 for none
     */
    static JobClient startLocal(FeatureJob job, FeatureJobSettings settings, int prometheusPort,
                                String jobName) throws Exception {
        Configuration conf = settings.toConfiguration();
        // A MiniCluster gives RocksDB 128 MB of managed memory unless told otherwise, shared by every stateful
        // operator of a slot: too little to cache a million entities' state, so most state reads went to disk
        // pages and decompression (docs/benchmarks.md). flink-conf's TaskManager has ~1.4 GB; give the embedded one 1 GB.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, EMBEDDED_MANAGED_MEMORY);
        if (prometheusPort > 0) {
            conf.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", String.valueOf(prometheusPort));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism(),
                conf);
        job.build(env);
        return env.executeAsync(jobName);
    }
}
