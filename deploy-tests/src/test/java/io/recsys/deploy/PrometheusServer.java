package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code /usr/bin/prometheus}) on a port of its own, scraping the given targets
 * every second and evaluating the given rule files every second, its data in a directory of the caller's. A system
 * Prometheus the package may have started on :9090 is neither used nor disturbed.
 */
final class PrometheusServer implements AutoCloseable {

    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1: on plain HTTP the JDK client's h2c upgrade sometimes never returned, its timeout notwithstanding
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final String base;

    private PrometheusServer(Process process, Path log, String base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * @param metricsUrlsByJob each scrape job's name (the {@code job} label of its series) → the URL it scrapes
     */
    static PrometheusServer start(Path dir, Map<String, String> metricsUrlsByJob, List<Path> ruleFiles)
            throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Manifests.YAML.writeValue(config.toFile(), config(metricsUrlsByJob, ruleFiles));
        int port = RunningSystem.freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(PrometheusPackage.executable("prometheus").toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, log, "http://127.0.0.1:" + port);
        try {
            server.awaitReady();
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    /** The result of an instant query at the current time: {@code {"resultType", "result"}}. */
    JsonNode query(String expression) throws Exception {
        return get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
    }

    /** Every scrape target: {@code {"activeTargets": [{"labels", "health", "lastError", …}], …}}. */
    JsonNode targets() throws Exception {
        return get("/api/v1/targets");
    }

    /** Every rule group: {@code {"groups": [{"rules": [{"name", "health", "lastError", …}]}]}}. */
    JsonNode rules() throws Exception {
        return get("/api/v1/rules");
    }

    /** What Prometheus logged, to say why something it was asked went wrong. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static ObjectNode config(Map<String, String> metricsUrlsByJob, List<Path> ruleFiles) {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        String interval = SCRAPE_INTERVAL.toSeconds() + "s";
        config.putObject("global").put("scrape_interval", interval).put("evaluation_interval", interval);
        ArrayNode rules = config.putArray("rule_files");
        ruleFiles.forEach(file -> rules.add(file.toAbsolutePath().toString()));
        ArrayNode jobs = config.putArray("scrape_configs");
        metricsUrlsByJob.forEach((job, url) -> {
            URI uri = URI.create(url);
            jobs.addObject().put("job_name", job).put("metrics_path", uri.getPath())
                    .putArray("static_configs").addObject().putArray("targets")
                    .add(uri.getHost() + ":" + uri.getPort());
        });
        return config;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertAlive();
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // it is still opening its storage
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Prometheus was not ready within 30 s:\n" + log());
            }
            Thread.sleep(200);
        }
    }

    private JsonNode get(String path) throws Exception {
        assertAlive();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET()
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus answered " + path + " with " + response.statusCode() + ": "
                    + response.body());
        }
        return body.path("data");
    }

    private void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("Prometheus exited with " + process.exitValue() + ":\n" + log());
        }
    }
}
