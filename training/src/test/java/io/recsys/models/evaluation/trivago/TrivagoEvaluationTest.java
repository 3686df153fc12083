package io.recsys.models.evaluation.trivago;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.models.evaluation.EvaluationResult;
import io.recsys.models.evaluation.ReportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrivagoEvaluationTest {

    private static final Instant TEST_FROM = Instant.parse("2018-11-07T18:00:00Z");

    /**
     * Sessions from 10:00 to 20:00 whose users look at a hotel or two of a shown list of ten and then mostly click
     * out on the one they looked at last.
     */
    private static void writeSessions(Path directory) throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        List<String> lines = new ArrayList<>();
        lines.add("user_id,session_id,timestamp,step,action_type,reference,platform,city,device,current_filters,"
                + "impressions,prices");
        long start = Instant.parse("2018-11-07T10:00:00Z").getEpochSecond();
        for (int s = 0; s < 500; s++) {
            long time = start + s * 72L;
            List<String> shown = new ArrayList<>();
            List<String> prices = new ArrayList<>();
            while (shown.size() < 10) {
                String hotel = String.valueOf(100 + random.nextInt(60));
                if (!shown.contains(hotel)) {
                    shown.add(hotel);
                    prices.add(String.valueOf(50 + random.nextInt(100)));
                }
            }
            String session = "s" + s;
            int step = 1;
            String last = null;
            for (int touch = 0; touch < 1 + random.nextInt(2); touch++) {
                last = shown.get(random.nextInt(shown.size()));
                lines.add("u" + s + "," + session + "," + (time + touch) + "," + step++
                        + ",interaction item image," + last + ",DE,\"Berlin, Germany\",mobile,,,");
            }
            String clicked = random.nextDouble() < 0.7 ? last : shown.get(random.nextInt(shown.size()));
            lines.add("u" + s + "," + session + "," + (time + 30) + "," + step + ",clickout item," + clicked
                    + ",DE,\"Berlin, Germany\",mobile,," + String.join("|", shown) + "," + String.join("|", prices));
        }
        Files.write(directory.resolve("sessions.csv"), lines);
    }

    @Test
    void theReportShowsTheSystemWithAndWithoutPositionBesideEveryBaselineAndSingleFeature(@TempDir Path dir)
            throws Exception {
        writeSessions(dir);

        EvaluationResult result = TrivagoEvaluation.run(dir, TrivagoEvaluation.Settings.defaults(TEST_FROM),
                line -> { });
        ReportWriter.write(result, dir.resolve("out"));

        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("out/metrics.json").toFile());
        assertThat(metrics.get("system").get("lists").asInt()).isEqualTo(100);
        for (String metric : List.of("auc", "mrr", "ndcg@10")) {
            assertThat(metrics.get("system").has(metric)).as(metric).isTrue();
        }
        JsonNode baselines = metrics.get("baselines");
        assertThat(baselines.has("system_without_display_position")).isTrue();
        for (String name : TrivagoBaselines.all(1).keySet()) {
            assertThat(baselines.has(name)).as(name).isTrue();
        }
        for (String feature : ClickoutFeatures.NAMES) {
            assertThat(baselines.fieldNames()).toIterable().anyMatch(n -> n.startsWith("feature:" + feature + " ("));
        }
        assertThat(metrics.get("system").get("auc").asDouble())
                .isGreaterThan(baselines.get(TrivagoBaselines.DISPLAY_ORDER).get("auc").asDouble() + 0.1);
        assertThat(metrics.get("notes").get("system").asText()).contains("single input");
        assertThat(Files.readString(dir.resolve("out/report.html"))).contains("system_without_display_position");
    }

    @Test
    void aTestPartWithoutClickoutsIsRefused(@TempDir Path dir) throws Exception {
        writeSessions(dir);

        assertThatThrownBy(() -> TrivagoEvaluation.run(dir,
                TrivagoEvaluation.Settings.defaults(Instant.parse("2018-11-08T00:00:00Z")), line -> { }))
                .hasMessageContaining("no clickouts from 2018-11-08T00:00:00Z");
    }
}
