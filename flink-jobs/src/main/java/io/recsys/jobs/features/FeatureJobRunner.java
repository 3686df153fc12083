package io.recsys.jobs.features;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs the feature job on a local MiniCluster in this JVM (the embedded default). */
public final class FeatureJobRunner {

    private FeatureJobRunner() {
    }

    /**
     * @param prometheusPort where Flink's Prometheus reporter serves the job's metrics, or 0 for none
     */
    public static JobClient startLocal(FeatureJob job, FeatureJobSettings settings, int prometheusPort,
                                       String jobName) throws Exception {
        Configuration conf = settings.toConfiguration();
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
