package io.recsys.api.serving;

import io.recsys.kafka.Topics;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes every list served as impression events (request id, position, model version, arm), so clicks carrying
 * the request id attribute back to what was shown and the feature job's CTR reflects what the system showed.
 * Sends are asynchronous: a slow broker must not slow ranking; a failed send is counted.
 */
public final class ImpressionLogger {

    private final KafkaProducer<String, String> producer;
    private final ApiMetrics metrics;

    public ImpressionLogger(KafkaProducer<String, String> producer, ApiMetrics metrics) {
        this.producer = producer;
        this.metrics = metrics;
    }

    public void log(Recommendation recommendation, String surface) {
        long now = System.currentTimeMillis();
        for (Recommendation.Item item : recommendation.items()) {
            Event impression = Event.impression(recommendation.requestId() + "-" + item.position(),
                    recommendation.requestId(), recommendation.userId(), item.itemId(), item.position(),
                    surface == null ? "api" : surface, recommendation.modelVersion(),
                    recommendation.experimentArm(), now);
            if (item.propensity() != null) {
                impression = impression.withPropensity(item.propensity());
            }
            producer.send(new ProducerRecord<>(Topics.EVENTS, impression.userId(), EventCodec.encode(impression)),
                    (metadata, error) -> {
                        if (error != null) {
                            metrics.countError(ErrorKind.IMPRESSION_LOG);
                        } else {
                            metrics.impressionsLogged.labels(recommendation.experimentArm()).inc();
                        }
                    });
        }
    }
}
