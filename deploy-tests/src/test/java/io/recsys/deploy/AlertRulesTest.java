package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules: valid for Prometheus, each one proven by promtool's unit tests to fire and to stay quiet, and
 * shipped to the Prometheus Operator exactly as written.
 */
class AlertRulesTest {

    @Test
    void everyRuleFilePassesPromtoolCheckRules() throws Exception {
        List<String> arguments = new ArrayList<>(List.of("check", "rules"));
        AlertRules.files().forEach(file -> arguments.add(file.getFileName().toString()));
        assertThat(arguments).as("rule files in %s", Repository.RULES).hasSizeGreaterThan(2);

        Promtool.Result result = Promtool.run(arguments.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void everyRuleTestPassesPromtoolTestRules() throws Exception {
        List<String> arguments = new ArrayList<>(List.of("test", "rules"));
        AlertRules.testFiles().forEach(file -> arguments.add(Repository.RULES.relativize(file).toString()));
        assertThat(arguments).as("rule tests in %s", Repository.RULE_TESTS).hasSizeGreaterThan(2);

        Promtool.Result result = Promtool.run(arguments.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void everyAlertHasAUnitTestWhereItFiresAndOneWhereItDoesNot() {
        Set<String> alerts = new TreeSet<>();
        AlertRules.files().forEach(file -> AlertRules.rules(file).stream().filter(rule -> rule.has("alert"))
                .forEach(rule -> alerts.add(rule.path("alert").asText())));
        Set<String> fire = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (Path file : AlertRules.testFiles()) {
            for (JsonNode check : Manifests.read(file).get(0).path("tests").findValues("alert_rule_test")) {
                for (JsonNode expectation : check) {
                    String alert = expectation.path("alertname").asText();
                    (expectation.path("exp_alerts").isEmpty() ? quiet : fire).add(alert);
                }
            }
        }
        assertThat(alerts).isNotEmpty();
        assertThat(fire).as("alerts proven to fire").containsAll(alerts);
        assertThat(quiet).as("alerts proven to stay quiet").containsAll(alerts);
    }

    @Test
    void everyAlertHasASeverityAndARunbookSectionInTheOperationsGuide() throws Exception {
        String operations = java.nio.file.Files.readString(Repository.ROOT.resolve("docs").resolve("operations.md"));
        for (Path file : AlertRules.files()) {
            for (JsonNode rule : AlertRules.rules(file)) {
                if (!rule.has("alert")) {
                    continue;
                }
                String alert = rule.path("alert").asText();
                assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("page", "warning");
                assertThat(rule.path("annotations").path("runbook_url").asText()).as(alert)
                        .isEqualTo("docs/operations.md#" + alert.toLowerCase());
                assertThat(operations).as("docs/operations.md has a heading for %s", alert)
                        .containsPattern("(?m)^#+ " + alert + "$");
            }
        }
    }

    /** The PrometheusRule objects are the rule files wrapped, nothing more: the rule files are the one source. */
    @Test
    void thePrometheusRulesAreTheRuleFilesWrapped() throws Exception {
        if (Boolean.getBoolean("recsys.regenerate")) {
            AlertRules.writePrometheusRules();
        }
        List<JsonNode> expected = AlertRules.files().stream().map(file -> (JsonNode) AlertRules.prometheusRule(file))
                .toList();

        List<JsonNode> committed = Manifests.read(AlertRules.PROMETHEUS_RULES);

        assertThat(committed).as("%s is out of date: regenerate it (see its header)", AlertRules.PROMETHEUS_RULES)
                .isEqualTo(expected);
    }
}
