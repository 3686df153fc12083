package io.recsys.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with nothing but the JDK's WebSocket client and
 * Jackson, so browser tests need no extra dependency. Chromium is started with {@code --remote-debugging-port=0};
 * it prints the browser's DevTools websocket address on stderr, which goes to a log file that is polled for it.
 * One websocket carries everything: a page target is created and attached with {@code flatten: true}, and page
 * commands carry that session's id. Answers are matched to commands by id; page exceptions are collected.
 */
final class HeadlessChromium implements AutoCloseable {

    /** Where Chromium is looked for, after the system property {@code chromium.binary}. */
    static final List<String> BINARIES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS_URL = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 100;

    private final Process process;
    private final Path log;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private String sessionId;

    private HeadlessChromium(Process process, Path log, URI devTools) throws Exception {
        this.process = process;
        this.log = log;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(devTools, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** The Chromium binary to use: {@code -Dchromium.binary=...}, else the first of {@link #BINARIES} present. */
    static Optional<Path> binary() {
        String configured = System.getProperty("chromium.binary");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        return BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts Chromium with a fresh profile under {@code workDir} and opens one blank page with a viewport of
     * {@code width} x {@code height} CSS pixels.
     *
     * @throws IllegalStateException when Chromium is not installed or does not come up
     */
    static HeadlessChromium launch(Path workDir, int width, int height) throws Exception {
        String configured = System.getProperty("chromium.binary");
        Path binary = binary().orElseThrow(() -> new IllegalStateException("Chromium is needed to test the page "
                + "but was not found (looked at " + (configured == null || configured.isBlank() ? BINARIES
                : "-Dchromium.binary=" + configured) + "). Install it with 'apt-get install -y chromium', "
                + "or pass -Dchromium.binary=/path/to/chromium."));
        Path profile = Files.createDirectories(workDir.resolve("profile"));
        Path log = workDir.resolve("chromium.log");
        List<String> command = List.of(binary.toString(), "--headless=new", "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                // containers run tests as root, where Chromium's sandbox cannot start, and /dev/shm is small
                "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--mute-audio",
                "--hide-scrollbars", "--window-size=" + width + "," + height, "about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        HeadlessChromium browser = null;
        try {
            browser = new HeadlessChromium(process, log, devToolsAddress(process, log));
            browser.openPage(width, height);
            return browser;
        } catch (Exception | Error e) {
            if (browser != null) {
                browser.close();
            } else {
                stop(process);
            }
            throw e;
        }
    }

    private static URI devToolsAddress(Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = DEVTOOLS_URL.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (matcher.find()) {
                return URI.create(matcher.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue()
                        + " before it opened DevTools:\n" + tail(log));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Chromium printed no DevTools address within " + STARTUP_TIMEOUT + ":\n"
                + tail(log));
    }

    private void openPage(int width, int height) {
        String targetId = send(null, "Target.createTarget", Map.of("url", "about:blank"))
                .get("targetId").asText();
        sessionId = send(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true))
                .get("sessionId").asText();
        command("Runtime.enable", Map.of());
        command("Page.enable", Map.of());
        command("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Sends a command to the page and waits for its result. */
    JsonNode command(String method, Map<String, ?> params) {
        return send(sessionId, method, params);
    }

    private JsonNode send(String session, String method, Map<String, ?> params) {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (socket) {
                // the JDK's WebSocket refuses a send while the previous one is still being written
                socket.sendText(message.toString(), true).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            return answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Chromium did not answer " + method + " within " + COMMAND_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + method, e);
        } finally {
            pending.remove(id);
        }
    }

    /** Opens {@code url} in the page and waits until it has loaded. */
    void navigate(String url) {
        JsonNode result = command("Page.navigate", Map.of("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("cannot open " + url + ": " + result.get("errorText").asText());
        }
        waitFor("the page at " + url + " to load",
                "location.href.startsWith(" + quote(url) + ") && document.readyState === 'complete'",
                COMMAND_TIMEOUT);
    }

    /**
     * Runs a JavaScript expression in the page, awaiting it if it is a promise, and returns its value as JSON
     * (missing when the value is undefined).
     *
     * @throws IllegalStateException when the expression throws
     */
    JsonNode evaluate(String expression) {
        JsonNode answer = command("Runtime.evaluate",
                Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
        if (answer.has("exceptionDetails")) {
            JsonNode details = answer.get("exceptionDetails");
            throw new IllegalStateException("the page threw on `" + expression + "`: "
                    + details.path("exception").path("description").asText(details.path("text").asText()));
        }
        return answer.path("result").path("value");
    }

    /**
     * Polls an expression until it is truthy, and returns that value.
     *
     * @throws AssertionError naming {@code what} when it is not within {@code timeout}
     */
    JsonNode waitFor(String what, String expression, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode value = evaluate(expression);
            if (truthy(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + " (`" + expression
                        + "` was " + value + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    private static boolean truthy(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.doubleValue() != 0;
        }
        return !value.isTextual() || !value.textValue().isEmpty();
    }

    /** The text of the first element matching a CSS selector, or null when there is none. */
    String text(String selector) {
        JsonNode value = evaluate("document.querySelector(" + quote(selector) + ")?.textContent ?? null");
        return value.isTextual() ? value.textValue() : null;
    }

    /**
     * Clicks an element the way a person would: scrolls it into view, checks that nothing covers its centre,
     * and presses and releases the left mouse button there.
     */
    void click(String selector) {
        JsonNode point = evaluate("(() => {"
                + " const el = document.querySelector(" + quote(selector) + ");"
                + " if (!el) throw new Error('no element matches ' + " + quote(selector) + ");"
                + " el.scrollIntoView({block: 'center'});"
                + " const r = el.getBoundingClientRect();"
                + " if (r.width === 0 || r.height === 0) throw new Error(" + quote(selector) + " + ' is not visible');"
                + " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
                + " const top = document.elementFromPoint(x, y);"
                + " if (!el.contains(top)) throw new Error(" + quote(selector) + " + ' is covered by ' + top?.outerHTML);"
                + " return {x, y}; })()");
        Map<String, Object> at = Map.of("x", point.get("x").asDouble(), "y", point.get("y").asDouble());
        command("Input.dispatchMouseEvent", merge(at, Map.of("type", "mouseMoved")));
        command("Input.dispatchMouseEvent",
                merge(at, Map.of("type", "mousePressed", "button", "left", "clickCount", 1)));
        command("Input.dispatchMouseEvent",
                merge(at, Map.of("type", "mouseReleased", "button", "left", "clickCount", 1)));
    }

    /** Focuses a text field, selects what it holds, and types {@code text} over it. */
    void type(String selector, String text) {
        evaluate("(() => { const el = document.querySelector(" + quote(selector) + ");"
                + " if (!el) throw new Error('no element matches ' + " + quote(selector) + ");"
                + " el.focus(); el.select(); return true; })()");
        command("Input.insertText", Map.of("text", text));
    }

    /** Saves a PNG of the whole page, beyond the viewport if it is longer. */
    void screenshot(Path file) throws IOException {
        JsonNode size = command("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get("width").asDouble(),
                "height", size.get("height").asDouble(), "scale", 1);
        JsonNode shot = command("Page.captureScreenshot",
                Map.of("format", "png", "clip", clip, "captureBeyondViewport", true));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    /** Uncaught exceptions the page has thrown since the last call. */
    List<String> takePageErrors() {
        List<String> errors = new ArrayList<>(pageErrors);
        pageErrors.removeAll(errors);
        return errors;
    }

    /** A JavaScript string literal holding {@code text}. */
    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, Object> merge(Map<String, ?> a, Map<String, ?> b) {
        Map<String, Object> merged = new java.util.LinkedHashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asLong());
            if (answer == null) {
                return;
            }
            if (message.has("error")) {
                answer.completeExceptionally(new IllegalStateException(message.get("error").toString()));
            } else {
                answer.complete(message.path("result"));
            }
        } else if ("Runtime.exceptionThrown".equals(message.path("method").asText())) {
            JsonNode details = message.path("params").path("exceptionDetails");
            pageErrors.add(details.path("exception").path("description").asText(details.path("text").asText()));
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            // large answers (screenshots) arrive in several parts
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failPending(new IllegalStateException("DevTools connection closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failPending(error);
        }

        private void failPending(Throwable error) {
            pending.values().forEach(answer -> answer.completeExceptionally(error));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Asks Chromium to quit, then makes sure it and every process it started are gone. */
    @Override
    public void close() {
        try {
            send(null, "Browser.close", Map.of());
        } catch (RuntimeException e) {
            // it may already be gone; the processes are stopped below either way
        }
        socket.abort();
        stop(process);
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
