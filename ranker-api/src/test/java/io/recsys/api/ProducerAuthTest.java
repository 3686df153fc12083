package io.recsys.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProducerAuthTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "web-frontend-token-0123456789";

    private static String click(String user) {
        return "[{\"v\":1,\"event_id\":\"e-" + user + "\",\"type\":\"click\",\"user_id\":\"" + user
                + "\",\"item_id\":\"i1\",\"event_time\":\"" + Instant.now() + "\"}]";
    }

    @Test
    void eventWritesWithoutOrWithAWrongTokenGet401Or403AndNothingReachesKafka(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("producers");
        Files.writeString(tokens, "web-frontend " + TOKEN + "\n");
        try (ApiFixture fixture = new ApiFixture(dir.resolve("api"), config -> config.producerTokens(tokens))) {
            HttpResponse<String> anonymous = fixture.post("/v1/events", click("u-anonymous"));
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"events\"");
            assertThat(fixture.post("/v1/events", click("u-guessing"), "Authorization", "Bearer not-the-token")
                    .statusCode()).isEqualTo(403);
            HttpResponse<String> trusted = fixture.post("/v1/events", click("u-trusted"),
                    "Authorization", "Bearer " + TOKEN);
            assertThat(trusted.statusCode()).as(trusted.body()).isEqualTo(202);

            assertThat(usersOnTheEventsTopic(fixture)).contains("u-trusted")
                    .doesNotContain("u-anonymous", "u-guessing");
            assertThat(fixture.get("/metrics").body())
                    .contains("recsys_events_rejected_total{reason=\"unauthenticated\",} 1.0")
                    .contains("recsys_events_rejected_total{reason=\"forbidden\",} 1.0");
        }
    }

    @Test
    void aRotatedTokenIsTakenWithoutARestart(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("producers");
        Files.writeString(tokens, "web-frontend " + TOKEN + "\n");
        try (ApiFixture fixture = new ApiFixture(dir.resolve("api"), config -> config.producerTokens(tokens))) {
            String rotated = "web-frontend-token-rotated-9876543210";
            Files.writeString(tokens, "web-frontend " + rotated + "\n");
            Files.setLastModifiedTime(tokens, FileTime.from(Instant.now().plusSeconds(5)));
            Thread.sleep(1_100); // the file is looked at once a second at most

            assertThat(fixture.post("/v1/events", click("u-old"), "Authorization", "Bearer " + TOKEN).statusCode())
                    .isEqualTo(403);
            assertThat(fixture.post("/v1/events", click("u-new"), "Authorization", "Bearer " + rotated)
                    .statusCode()).isEqualTo(202);
        }
    }

    /** Every user id on the events topic up to its end now. */
    private static Set<String> usersOnTheEventsTopic(ApiFixture fixture) throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.kafka.bootstrapServers());
        Set<String> users = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode event = JSON.readTree(record.value());
                    users.add(event.path("user_id").asText());
                }
            }
        }
        return users;
    }
}
