package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus rule files under k8s/monitoring/rules/ (plain {@code groups:} files, the one source of truth) and
 * the PrometheusRule objects made from them for the Prometheus Operator (k8s/monitoring/prometheus-rules.yaml).
 */
final class AlertRules {

    static final Path PROMETHEUS_RULES = Repository.MONITORING.resolve("prometheus-rules.yaml");
    /** YAML as a person writes it: few quotes, multi-line expressions as blocks */
    private static final YAMLMapper WRITER = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES, YAMLGenerator.Feature.LITERAL_BLOCK_STYLE,
                    YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();

    private AlertRules() {
    }

    static List<Path> files() {
        return yamlFilesIn(Repository.RULES);
    }

    static List<Path> testFiles() {
        return yamlFilesIn(Repository.RULE_TESTS);
    }

    /** "file: alert or record name" → its PromQL expression, for every rule of every file. */
    static Map<String, String> expressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Path file : files()) {
            for (JsonNode rule : rules(file)) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                expressions.put(file.getFileName() + ": " + name, rule.path("expr").asText());
            }
        }
        return expressions;
    }

    static List<JsonNode> rules(Path file) {
        return Manifests.read(file).get(0).path("groups").findValues("rules").stream()
                .flatMap(rules -> java.util.stream.StreamSupport.stream(rules.spliterator(), false)).toList();
    }

    /** The PrometheusRule that carries {@code file}'s groups: named recsys-FILE, its spec the file itself. */
    static ObjectNode prometheusRule(Path file) {
        ObjectNode rule = JsonNodeFactory.instance.objectNode();
        rule.put("apiVersion", "monitoring.coreos.com/v1");
        rule.put("kind", "PrometheusRule");
        rule.putObject("metadata").put("name", "recsys-" + file.getFileName().toString().replace(".yaml", ""));
        rule.set("spec", Manifests.read(file).get(0));
        return rule;
    }

    /** Rewrites prometheus-rules.yaml from the rule files. */
    static void writePrometheusRules() throws IOException {
        StringBuilder text = new StringBuilder("""
                # GENERATED from rules/*.yaml: edit those, then regenerate this file with
                #   mvn -B -q -pl deploy-tests -am verify -Dtest=AlertRulesTest \\
                #       -Dsurefire.failIfNoSpecifiedTests=false -Drecsys.regenerate=true
                # (AlertRulesTest fails while the two differ.)
                """);
        for (Path file : files()) {
            text.append(WRITER.writeValueAsString(prometheusRule(file)));
        }
        Files.writeString(PROMETHEUS_RULES, text);
    }

    private static List<Path> yamlFilesIn(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
