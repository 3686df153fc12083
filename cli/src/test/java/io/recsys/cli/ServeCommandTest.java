package io.recsys.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private int serve(Path dir, String... options) {
        List<String> args = new ArrayList<>(List.of("serve", "--kafka", "127.0.0.1:1", "--bundles", dir.toString(),
                "--data-dir", dir.toString()));
        args.addAll(List.of(options));
        return Recsys.execute(args.toArray(String[]::new));
    }

    @Test
    void aQuotaThatIsNotARateIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        assertThat(serve(dir, "--rate-limit-per-client", "-5")).isEqualTo(1);
        assertThat(console.err()).contains("--rate-limit-per-client must be 0 (no quota) or a positive number");
    }

    @Test
    void aTrustedProxyThatIsAHostNameIsRefusedByName(@TempDir Path dir) {
        assertThat(serve(dir, "--rate-limit-per-client", "50", "--trusted-proxy", "10.0.0.0/8,ingress.local"))
                .isEqualTo(1);
        assertThat(console.err()).contains("--trusted-proxy ingress.local is not an IP address");
    }

    @Test
    void aFeatureRefreshTooShortForTheStoreIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        assertThat(serve(dir, "--feature-refresh-ms", "0")).isEqualTo(1);
        assertThat(console.err()).contains("--feature-refresh-ms must be at least 50, not 0");
    }

    @Test
    void aServerThatDoesNotSayWhoMayWriteEventsRefusesToStart(@TempDir Path dir) {
        assertThat(serve(dir)).isEqualTo(1);
        assertThat(console.err()).contains("who may write events? Give --producer-tokens FILE");
    }

    @Test
    void producerTokensAndOpenEventsTogetherAreRefused(@TempDir Path dir) {
        assertThat(serve(dir, "--producer-tokens", dir.resolve("tokens").toString(), "--open-events")).isEqualTo(1);
        assertThat(console.err()).contains("--producer-tokens and --open-events contradict each other");
    }
}
