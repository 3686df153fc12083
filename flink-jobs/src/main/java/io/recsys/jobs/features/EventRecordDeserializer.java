package io.recsys.jobs.features;

import io.recsys.schema.event.Decoded;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Decodes events while they are read, so the source can assign event time and watermarks per Kafka partition
 * (partitions are each in time order; their interleaving is not). Implausible times are rejected here, before
 * they could drag a watermark into the future.
 */
public class EventRecordDeserializer implements KafkaRecordDeserializationSchema<DecodedRecord> {

    private final EventTimePolicy timePolicy;
    private transient Clock clock;

    public EventRecordDeserializer(EventTimePolicy timePolicy) {
        this.timePolicy = timePolicy;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedRecord> out) {
        out.collect(decode(record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8)));
    }

    DecodedRecord decode(String raw) {
        if (clock == null) {
            clock = Clock.systemUTC();
        }
        Decoded decoded = EventCodec.decode(raw, timePolicy, clock);
        return new DecodedRecord(raw, decoded.event(), decoded.rejection());
    }

    @Override
    public TypeInformation<DecodedRecord> getProducedType() {
        return TypeInformation.of(DecodedRecord.class);
    }
}
