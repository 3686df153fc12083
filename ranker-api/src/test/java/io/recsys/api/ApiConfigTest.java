package io.recsys.api;

import io.recsys.kafka.KafkaConnection;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ApiConfigTest {

    private static final Path BUNDLES = Path.of("bundles");
    private static final String STORE = "jdbc:h2:mem:test";

    @Test
    void aBuilderStartsFromServesDefaults() {
        ApiConfig config = ApiConfig.builder(BUNDLES, STORE, kafka()).build();
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bodyLimitBytes()).isEqualTo(ApiConfig.DEFAULT_BODY_LIMIT);
        assertThat(config.adminToken()).isNull();
        assertThat(config.corsOrigin()).isNull();
        assertThat(config.maxInFlight()).isEqualTo(64);
        assertThat(config.workers()).isEqualTo(2);
        assertThat(config.maxQueueMillis()).isEqualTo(5);
        assertThat(config.featureCacheMillis()).isEqualTo(1000);
        assertThat(config.candidates()).isEqualTo(500);
        assertThat(config.rerankHead()).isEqualTo(100);
        assertThat(config.diversity()).isEqualTo(0.1);
        assertThat(config.blockedItems()).isEmpty();
        assertThat(config.tls()).isNull();
        assertThat(config.rateLimitPerClient()).isZero();
        assertThat(config.trustedProxies()).isEmpty();
        assertThat(config.kafkaChangeFeed()).isFalse();
        assertThat(config.producerTokens()).isNull();
        assertThat(config.jobMetrics()).isNull();
        assertThat(config.exploration()).isEqualTo(ApiConfig.ExplorationSettings.OFF);
    }

    @Test
    void toBuilderKeepsEveryValueItIsNotToldToChange() {
        ApiConfig.Tls tls = new ApiConfig.Tls(Path.of("tls.crt"), Path.of("tls.key"));
        ApiConfig.ExplorationSettings exploration = new ApiConfig.ExplorationSettings(0.05, 5);
        ApiConfig original = ApiConfig.builder(BUNDLES, STORE, kafka()).host("127.0.0.1").port(0)
                .bodyLimitBytes(1234).adminToken("admin").corsOrigin("https://example.org").maxInFlight(7)
                .workers(3).maxQueueMillis(9).featureCacheMillis(200).candidates(97).rerankHead(13).diversity(0.3)
                .blockedItems(Set.of("i13")).tls(tls).rateLimit(0.5, List.of("10.0.0.0/8")).kafkaChangeFeed(true)
                .producerTokens(Path.of("tokens")).jobMetrics(URI.create("http://job:9249/metrics"))
                .exploration(exploration).build();

        ApiConfig changed = original.toBuilder().port(8081).build();

        assertThat(changed.port()).isEqualTo(8081);
        assertThat(changed).usingRecursiveComparison().ignoringFields("port").isEqualTo(original);
        assertThat(changed.bundlesDir()).isEqualTo(BUNDLES);
        assertThat(changed.tls()).isEqualTo(tls);
        assertThat(changed.exploration()).isEqualTo(exploration);
        assertThat(changed.trustedProxies()).containsExactly("10.0.0.0/8");
    }

    private static KafkaConnection kafka() {
        return KafkaConnection.plaintext("localhost:9092");
    }
}
