package io.recsys.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The few JobManager REST calls the launcher and the failover checks need. */
public final class ClusterRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String address;
    // HTTP/1.1: on plain HTTP the JDK client's h2c upgrade sometimes never returned, its timeout notwithstanding
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    public ClusterRest(String address) {
        this.address = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    }

    /** {@code GET /overview}: TaskManagers, slots, jobs by state. */
    public JsonNode overview() throws IOException, InterruptedException {
        return get("/overview");
    }

    /** {@code GET /jobs/:id}: the job's state and its vertices. */
    public JsonNode job(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId);
    }

    /** Completed checkpoints of a job so far. */
    public long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** Ids of the jobs in state RUNNING. */
    public List<String> runningJobs() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if ("RUNNING".equals(job.path("state").asText())) {
                ids.add(job.path("jid").asText());
            }
        }
        return ids;
    }

    /** The id of the checkpoint the job last restored its state from, if it ever restored. */
    public OptionalLong restoredCheckpoint(String jobId) throws IOException, InterruptedException {
        JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.hasNonNull("id") ? OptionalLong.of(restored.path("id").asLong()) : OptionalLong.empty();
    }

    /** The failures the job recovered from (or died of), oldest first, as "exception: message". */
    public List<String> failures(String jobId) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            failures.add(0, entry.path("exceptionName").asText() + ": " + entry.path("stacktrace").asText()
                    .lines().findFirst().orElse(""));
        }
        return failures;
    }

    /** "vertex name[subtask]: STATUS" for every subtask of the job. */
    public List<String> subtaskStates(String jobId) throws IOException, InterruptedException {
        List<String> states = new ArrayList<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            JsonNode details = get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText());
            for (JsonNode subtask : details.path("subtasks")) {
                states.add(vertex.path("name").asText() + "[" + subtask.path("subtask").asInt() + "]: "
                        + subtask.path("status").asText());
            }
        }
        return states;
    }

    /** Resource ids of the TaskManagers running at least one subtask of the job. */
    public List<String> taskManagersRunning(String jobId) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            JsonNode hosts = get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers");
            for (JsonNode host : hosts.path("taskmanagers")) {
                String id = host.path("taskmanager-id").asText();
                if (!id.isEmpty() && !ids.contains(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(address + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
