package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands a user types: start a cluster, replay a dataset onto it, read a feature, stop the cluster. */
class ClusterCommandTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void replayOnAStartedClusterPutsEveryEventInTheStoreAndStopEndsEveryProcess(@TempDir Path dir)
            throws Exception {
        Path dataDir = dir.resolve("data");
        Path movieLens = writeTinyMovieLens(dir.resolve("ml"));
        try {
            assertThat(Recsys.execute("cluster", "start", "--data-dir", dataDir.toString(), "--taskmanagers", "1",
                    "--taskmanager-memory", "1g")).isZero();
            String restAddress = console.out().trim();
            assertThat(restAddress).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(dataDir.resolve("taskmanager-1.pid")).exists();
            JsonNode overview = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(restAddress + "/overview")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(overview.get("taskmanagers").asInt()).isEqualTo(1);

            console.reset();
            assertThat(Recsys.execute("features", "replay", "--dataset", "movielens", "--path", movieLens.toString(),
                    "--jobmanager", restAddress, "--data-dir", dataDir.toString())).isZero();
            // every rating is a view, and those of 4 or more also a click: 400 views, 160 clicks
            assertThat(console.out()).contains("replayed 560 movielens events");

            // ratings answer no list the system served, so they count only for their users: user 20 rated items
            // 1-20, of which 3, 4, 8, 9, 13, 14, 18 and 19 with 4 or more stars
            assertThat(clicks24h("global", dataDir)).isZero();
            assertThat(clicks24h("user:20", dataDir)).isEqualTo(8);
        } finally {
            console.reset();
            assertThat(Recsys.execute("cluster", "stop", "--data-dir", dataDir.toString())).isZero();
        }
        assertThat(console.out()).contains("stopped 2 processes");
        assertThat(dataDir.resolve("taskmanager-1.pid")).doesNotExist();
    }

    @Test
    void replayToAJobManagerThatIsNotAnAddressSaysWhatItExpects(@TempDir Path dir) throws Exception {
        assertThat(Recsys.execute("features", "replay", "--dataset", "movielens", "--path",
                writeTinyMovieLens(dir.resolve("ml")).toString(), "--jobmanager", "localhost",
                "--data-dir", dir.toString(), "--kafka", "127.0.0.1:1")).isEqualTo(1);
        assertThat(console.err()).contains("http://HOST:PORT");
    }

    private long clicks24h(String entity, Path dataDir) throws Exception {
        console.reset();
        assertThat(Recsys.execute("features", "get", "--entity", entity, "--at", AFTER_THE_LAST_RATING,
                "--data-dir", dataDir.toString())).isZero();
        return new ObjectMapper().readTree(console.out()).path("features").path("clicks_24h").asLong();
    }

    private static final long FIRST_RATING = 890_000_000L;
    private static final String AFTER_THE_LAST_RATING = java.time.Instant.ofEpochSecond(FIRST_RATING + 400 * 60)
            .toString();

    /** 20 users rating 20 movies, 400 ratings a minute apart in 1998; 2 in 5 are 4 or 5 stars. */
    private static Path writeTinyMovieLens(Path directory) throws Exception {
        Files.createDirectories(directory);
        List<String> ratings = new ArrayList<>();
        long time = FIRST_RATING;
        for (int user = 1; user <= 20; user++) {
            for (int item = 1; item <= 20; item++) {
                ratings.add(user + "\t" + item + "\t" + (1 + (user + item) % 5) + "\t" + time);
                time += 60;
            }
        }
        Files.write(directory.resolve("u.data"), ratings);
        return directory;
    }
}
