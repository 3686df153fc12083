package io.recsys.reliability;

import io.recsys.kafka.embedded.EmbeddedKafka;

import java.nio.file.Path;

/**
 * The embedded broker, stopped and started again on the port and log directory it first had: clients keep their
 * bootstrap address, and the topics and records written before the stop are there after it.
 */
final class RestartableKafka implements AutoCloseable {

    private final Path logDir;
    private final String bootstrapServers;
    private EmbeddedKafka broker;

    private RestartableKafka(EmbeddedKafka broker, Path logDir) {
        this.broker = broker;
        this.logDir = logDir;
        this.bootstrapServers = broker.bootstrapServers();
    }

    static RestartableKafka start(Path logDir) {
        return new RestartableKafka(EmbeddedKafka.start(logDir), logDir);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** A clean shutdown of the broker (and its controller). */
    void stop() {
        broker.close();
        broker = null;
    }

    /** Starts it again; returns once it answers. */
    void start() {
        broker = EmbeddedKafka.start(logDir,
                Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1)));
    }

    @Override
    public void close() {
        if (broker != null) {
            stop();
        }
    }
}
