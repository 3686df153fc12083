package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Grafana dashboards under k8s/monitoring/dashboards/, one JSON model per file. */
final class Dashboards {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Dashboards() {
    }

    static List<Path> files() {
        try (var files = Files.list(Repository.DASHBOARDS)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every panel, those inside collapsed rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /**
     * "file: panel title (panel id) #n" → the PromQL of each of its queries, for every dashboard. The id is in the
     * key because titles repeat (a stat and a time series of the same thing), and a key that repeats hides a query.
     */
    static Map<String, String> expressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Path file : files()) {
            for (JsonNode panel : panels(read(file))) {
                int n = 0;
                for (JsonNode target : panel.path("targets")) {
                    String where = file.getFileName() + ": " + panel.path("title").asText() + " (panel "
                            + panel.path("id").asText() + ") #" + (++n);
                    if (expressions.put(where, target.path("expr").asText()) != null) {
                        throw new IllegalStateException(where + " is there twice: give each panel its own id");
                    }
                }
            }
        }
        return expressions;
    }
}
