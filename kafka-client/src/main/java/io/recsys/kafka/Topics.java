package io.recsys.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The topics of the system and how to create them where they are missing. */
public final class Topics {

    public static final String EVENTS = "recsys.events";
    public static final String DEAD_LETTER = "recsys.events.dlq";
    /** compacted: the newest record per item id is the item's attributes */
    public static final String CATALOGUE = "recsys.items";
    /**
     * which entities each feature-store write changed ({@code FeatureChanges}); read from its end by API replicas,
     * so an hour is kept
     */
    public static final String FEATURE_CHANGES = "recsys.feature-changes";

    private Topics() {
    }

    public static void ensure(KafkaConnection kafka, int eventPartitions) {
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(EVENTS, eventPartitions, (short) 1));
        wanted.add(new NewTopic(DEAD_LETTER, 1, (short) 1));
        wanted.add(new NewTopic(CATALOGUE, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        wanted.add(new NewTopic(FEATURE_CHANGES, 1, (short) 1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(3_600_000))));
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000)))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot create topics on Kafka at " + kafka + ": "
                    + e.getMessage(), e);
        }
    }
}
