package io.recsys.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random requests against every endpoint, written as raw HTTP so malformed request lines, bad
 * percent-encoding and junk bodies reach the server as a hostile client would send them. Nothing a client sends
 * may produce a 5xx, a dropped connection, or a stack trace in a response body.
 */
class FuzzTest {

    private static final int REQUESTS = 3_000;
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD",
            "OPTIONS"};
    private static final String[] PATHS = {"/v1/recommendations", "/v1/events", "/v1/features/item:i1",
            "/v1/features/", "/v1/features/user:u1", "/v1/features/%ZZ", "/v1/models", "/v1/models/reload",
            "/health/live", "/health/ready", "/metrics", "/openapi.yaml", "/", "/index.html", "/../../etc/passwd",
            "/v1/recommendations/extra", "//v1//events", "/v1/features/user_category:u1|c1"};
    private static final String[] PARAMETERS = {"user_id", "k", "exclude", "surface", "explain", "version",
            "treatment", "treatment_share", "junk"};
    private static final String[] VALUES = {"u1", "1", "0", "-1", "200", "201", "99999999999999999999", "abc",
            "true", "false", "maybe", "", "%", "%2", "%ZZ", "%00", "i1,i2,,i3", "NaN", "1e3", "0.5", "-0.1",
            "\u00e9t\u00e9", "%E2%82%AC", "a%20b", "'; DROP TABLE feature_log; --", "<script>alert(1)</script>"};

    @TempDir
    static Path dir;
    static ApiFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ApiFixture(dir);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void randomRequestsNeverGetA5xxADroppedConnectionOrAStackTrace() throws Exception {
        SplittableRandom random = new SplittableRandom(20261123);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS && failures.size() < 20; i++) {
            String method = METHODS[random.nextInt(METHODS.length)];
            String target = PATHS[random.nextInt(PATHS.length)] + query(random);
            String shown = method + " " + abbreviate(target);
            byte[] body = body(random);
            String response;
            try {
                response = send(method, target, body);
            } catch (IOException e) {
                failures.add(shown + " -> connection failed: " + e);
                continue;
            }
            if (!response.startsWith("HTTP/1.")) {
                failures.add(shown + " -> no status line: " + abbreviate(response));
                continue;
            }
            int status = Integer.parseInt(response.substring(9, 12));
            if (status >= 500 && !response.contains("\"overloaded\"")) {
                failures.add(shown + " -> " + abbreviate(response));
            }
            if (response.contains("\tat ") || response.contains("Exception:")) {
                failures.add(shown + " -> stack trace in body: " + abbreviate(response));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(fixture.get("/health/ready").statusCode()).isEqualTo(200);
    }

    private static String query(SplittableRandom random) {
        int parameters = random.nextInt(5);
        if (parameters == 0) {
            return "";
        }
        StringBuilder query = new StringBuilder("?");
        for (int p = 0; p < parameters; p++) {
            if (p > 0) {
                query.append('&');
            }
            query.append(PARAMETERS[random.nextInt(PARAMETERS.length)]).append('=');
            query.append(random.nextInt(10) == 0 ? "x".repeat(random.nextInt(20_000))
                    : VALUES[random.nextInt(VALUES.length)].replace(" ", "%20"));
        }
        return query.toString();
    }

    private static byte[] body(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> new byte[0];
            case 1 -> "{\"v\":1,\"event_id\":\"f1\",\"type\":\"click\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_time\":\"2026-11-23T00:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8);
            case 2 -> "[{\"v\":\"one\"},{\"type\":42},null,[],\"x\"]".getBytes(StandardCharsets.UTF_8);
            case 3 -> "[".repeat(5_000).getBytes(StandardCharsets.UTF_8);
            case 4 -> {
                byte[] junk = new byte[random.nextInt(4_096)];
                for (int b = 0; b < junk.length; b++) {
                    junk[b] = (byte) random.nextInt(256);
                }
                yield junk;
            }
            case 5 -> ("{\"v\":1,\"event_id\":\"" + "e".repeat(300) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 6 -> new byte[200_000];
            default -> "{}".getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String send(String method, String target, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", fixture.api.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the server may answer (414, 413) and close before it has read everything; its answer counts
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) != -1 && response.size() < 64 * 1024) {
                response.write(buffer, 0, read);
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
