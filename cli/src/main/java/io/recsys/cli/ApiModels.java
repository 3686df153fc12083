package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.models.bundle.BundleException;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.rollout.LearningLoop;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ranker API's model endpoints as the learning loop uses them: {@code GET /v1/models} for the arms serving,
 * {@code POST /v1/models/reload} (admin token) to change them, and the bundle registry they share for what is
 * current. A reload changes only the pod that answers it, so the loop talks to every pod: the addresses come
 * fresh at each look (a headless Service's DNS records in Kubernetes), and pods that disagree about their arms are
 * read as a manual change, which the loop leaves alone.
 */
final class ApiModels implements LearningLoop.Serving {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<List<String>> pods;
    private final String adminToken;
    private final BundleRegistry bundles;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** @param pods base URLs of every API process, asked for anew at each call */
    ApiModels(Supplier<List<String>> pods, String adminToken, BundleRegistry bundles) {
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("the learning loop changes the API's arms through its admin endpoint:"
                    + " give the API's admin token in the environment variable --admin-token-env names");
        }
        this.pods = pods;
        this.adminToken = adminToken;
        this.bundles = bundles;
    }

    @Override
    public LearningLoop.Arms arms() throws IOException, InterruptedException {
        Set<LearningLoop.Arms> seen = new LinkedHashSet<>();
        for (String base : bases()) {
            JsonNode models = send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).GET());
            seen.add(new LearningLoop.Arms(text(models.path("control")), text(models.path("treatment"))));
        }
        if (seen.size() > 1) {
            // no arms the loop set look like this, so a rollout in progress counts as overridden
            return new LearningLoop.Arms("pods disagree: " + seen, null);
        }
        return seen.iterator().next();
    }

    @Override
    public void serve(String control, String treatment, double share) throws IOException, InterruptedException {
        String query = "version=" + encode(control) + (treatment == null ? ""
                : "&treatment=" + encode(treatment) + "&treatment_share=" + share);
        for (String base : bases()) {
            JsonNode answer = send(HttpRequest.newBuilder(URI.create(base + "/v1/models/reload?" + query))
                    .header("Authorization", "Bearer " + adminToken).POST(HttpRequest.BodyPublishers.noBody()));
            if (answer.has("error")) {
                throw new IOException(base + " refused " + query + ": " + answer.path("message").asText());
            }
        }
    }

    @Override
    public void makeCurrent(String version) throws IOException, BundleException {
        bundles.promote(version);
    }

    private List<String> bases() throws IOException {
        List<String> bases = pods.get().stream().map(base -> base.replaceAll("/+$", "")).toList();
        if (bases.isEmpty()) {
            throw new IOException("no ranker API process to talk to");
        }
        return bases;
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.build().method() + " " + request.build().uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String text(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
