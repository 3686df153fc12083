package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboards: JSON models Grafana can load, all of them provisioned through the sidecar's ConfigMap. */
class DashboardsTest {

    @Test
    void everyDashboardHasWhatGrafanaNeedsToLoadIt() {
        assertThat(Dashboards.files()).hasSize(3);
        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode dashboard = Dashboards.read(file);
            String uid = dashboard.path("uid").asText();
            assertThat(uid).as("%s: uid", file).matches("[a-zA-Z0-9_-]{1,40}");
            assertThat(uids.add(uid)).as("%s: uid %s is unique", file, uid).isTrue();
            assertThat(dashboard.path("title").asText()).as("%s: title", file).isNotBlank();
            assertThat(dashboard.path("schemaVersion").isInt()).as("%s: schemaVersion", file).isTrue();
            assertThat(dashboard.path("panels").isArray()).as("%s: panels", file).isTrue();
            assertThat(dashboard.path("templating").path("list").findValuesAsText("type"))
                    .as("%s: a datasource variable", file).contains("datasource");
        }
    }

    @Test
    void everyPanelHasATypeAPlaceAndPrometheusQueries() {
        for (Path file : Dashboards.files()) {
            List<String> refIds = new ArrayList<>();
            for (JsonNode panel : Dashboards.panels(Dashboards.read(file))) {
                String where = file.getFileName() + ": " + panel.path("title").asText();
                assertThat(panel.path("id").isInt()).as(where + " id").isTrue();
                JsonNode place = panel.path("gridPos");
                assertThat(List.of("h", "w", "x", "y")).as(where + " gridPos")
                        .allMatch(key -> place.path(key).isInt());
                assertThat(place.path("x").asInt() + place.path("w").asInt()).as(where + " fits 24 columns")
                        .isLessThanOrEqualTo(24);
                if (panel.path("type").asText().equals("row")) {
                    // a heading across the dashboard over the panels below it; it queries nothing itself
                    assertThat(panel.path("title").asText()).as(where + " row title").isNotBlank();
                    assertThat(place.path("w").asInt()).as(where + " row width").isEqualTo(24);
                    assertThat(panel.has("targets")).as(where + " row targets").isFalse();
                    continue;
                }
                assertThat(panel.path("type").asText()).as(where).isIn("timeseries", "stat", "table", "heatmap");
                assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo("${datasource}");
                assertThat(panel.path("targets")).as(where + " targets").isNotEmpty();
                refIds.clear();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).as(where + " expr").isNotBlank();
                    refIds.add(target.path("refId").asText());
                }
                assertThat(refIds).as(where + " refIds").doesNotHaveDuplicates().doesNotContain("");
            }
        }
    }

    /** promtool parses each query as a recording rule; Grafana's $__rate_interval stands in as 5m. */
    @Test
    void everyDashboardQueryIsValidPromQl(@TempDir Path dir) throws Exception {
        ObjectNode file = JsonNodeFactory.instance.objectNode();
        ArrayNode rules = file.putArray("groups").addObject().put("name", "dashboard-queries").putArray("rules");
        Dashboards.expressions().forEach((where, expression) -> rules.addObject()
                .put("record", "dashboard_query_" + rules.size())
                .put("expr", expression.replace("$__rate_interval", "5m")));
        Path rulesFile = dir.resolve("dashboard-queries.yaml");
        Manifests.YAML.writeValue(rulesFile.toFile(), file);

        Promtool.Result result = Promtool.run("check", "rules", rulesFile.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains(Dashboards.expressions().size() + " rules found");
    }

    @Test
    void everyDashboardIsInTheConfigMapTheGrafanaSidecarLoads() {
        JsonNode generator = Manifests.kustomization(Repository.MONITORING).path("configMapGenerator").get(0);

        assertThat(generator.path("options").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        List<String> files = new ArrayList<>();
        generator.path("files").forEach(entry -> files.add(entry.asText()));
        assertThat(files).containsExactlyInAnyOrderElementsOf(Dashboards.files().stream()
                .map(file -> Repository.MONITORING.relativize(file).toString()).toList());
    }
}
