package io.recsys.cli;

import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.kafka.KafkaPropertiesFile;
import io.recsys.schema.feature.FeatureRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the ranker API alone against external Kafka, a feature store and a bundle directory.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--kafka", required = true, description = "Kafka bootstrap servers host:port.")
    String kafka;

    @Option(names = "--kafka-properties", description = Environment.KafkaOption.PROPERTIES_DESCRIPTION)
    Path kafkaProperties;

    @Option(names = "--bundles", required = true,
            description = "Directory of model bundles; its CURRENT file names the one to serve.")
    Path bundles;

    @Mixin
    Environment environment;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() throws Exception {
        ApiConfig config = api.config(bundles, environment.storeUrl(),
                KafkaPropertiesFile.connection(kafka, kafkaProperties));
        api.requireEventWriteChoice();
        CountDownLatch stopped = new CountDownLatch(1);
        try (RankerApi server = RankerApi.start(config, FeatureRegistry.load())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.println("ranker API on http://127.0.0.1:" + server.port() + "/ serving "
                    + server.models().describe());
            if (api.eventsOpen()) {
                System.out.println("POST /v1/events is open to anyone who reaches this port (--open-events)");
            }
            stopped.await();
        }
        return 0;
    }
}
