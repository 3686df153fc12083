package io.recsys.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.recsys.kafka.Topics;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.recsys.api.HeadlessChromium.quote;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at / in a real headless Chromium against a running API (embedded Kafka, fresh store, synthetic bundles).
 * Chromium is required: without it this test fails, telling how to install it, rather than skipping. No feature job
 * runs here: where the page shows what the job does, the test writes the store rows the job would write, and a small
 * HTTP server answers the job's metrics in the text Flink's Prometheus reporter writes. The last test leaves a
 * screenshot of the whole page at {@code target/page-screenshot.png}.
 */
class PageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SCREENSHOT = Path.of("target", "page-screenshot.png");
    /** Users with history, written by "the job" in this test; u9 only saw lists and has none. */
    private static final List<String> USERS_WITH_HISTORY = List.of("u7", "u8");
    private static final int LIVE_CHARTS = 7;
    private static final Pattern ACCEPTED = Pattern.compile("(?m)^recsys_events_accepted_total (\\S+)$");

    @TempDir
    static Path dir;
    static HeadlessChromium browser;
    static ApiFixture fixture;
    static HttpServer jobMetrics;
    static final AtomicLong scrapes = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        // the browser first: if Chromium is missing, fail at once instead of after starting Kafka
        browser = HeadlessChromium.launch(Files.createDirectories(dir.resolve("chromium")), 1280, 900);
        jobMetrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jobMetrics.createContext("/metrics", exchange -> {
            byte[] body = flinkScrape(scrapes.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jobMetrics.start();
        URI jobMetricsUrl = URI.create("http://127.0.0.1:" + jobMetrics.getAddress().getPort() + "/metrics");
        fixture = new ApiFixture(Files.createDirectories(dir.resolve("api")), config -> config.jobMetrics(jobMetricsUrl));
        writeUsers();
    }

    /**
     * What Flink's Prometheus reporter shows for a job with two subtasks after {@code n} scrapes a second apart:
     * 100 valid events a second per subtask, and arms "control" (CTR 5%) and "treatment" (CTR 8%).
     */
    private static String flinkScrape(long n) {
        StringBuilder text = new StringBuilder("# HELP flink_taskmanager_job_task_operator_events_valid events_valid\n"
                + "# TYPE flink_taskmanager_job_task_operator_events_valid gauge\n");
        for (int subtask = 0; subtask < 2; subtask++) {
            String labels = "job_name=\"recsys-features\",subtask_index=\"" + subtask + "\",";
            text.append("flink_taskmanager_job_task_operator_events_valid{").append(labels).append("} ")
                    .append(100.0 * n).append('\n');
            text.append("flink_taskmanager_job_task_operator_store_last_event_time_lag_ms{").append(labels)
                    .append("} ").append(150 + 10 * subtask).append('\n');
            text.append("flink_taskmanager_job_task_operator_arm_impressions{").append(labels)
                    .append("arm=\"control\",} ").append(500.0 * n).append('\n');
            text.append("flink_taskmanager_job_task_operator_arm_clicks{").append(labels)
                    .append("arm=\"control\",} ").append(25.0 * n).append('\n');
            text.append("flink_taskmanager_job_task_operator_arm_impressions{").append(labels)
                    .append("arm=\"treatment\",} ").append(500.0 * n).append('\n');
            text.append("flink_taskmanager_job_task_operator_arm_clicks{").append(labels)
                    .append("arm=\"treatment\",} ").append(40.0 * n).append('\n');
        }
        return text.toString();
    }

    /** The rows the feature job writes for users: two who clicked items, one who was only shown lists. */
    private static void writeUsers() {
        long now = System.currentTimeMillis();
        List<FeatureRow> rows = new java.util.ArrayList<>();
        List<Interaction> interactions = new java.util.ArrayList<>();
        for (int i = 0; i < USERS_WITH_HISTORY.size(); i++) {
            String user = USERS_WITH_HISTORY.get(i);
            rows.add(new FeatureRow(EntityType.USER, user, now - 5_000, new Counters(20, 3, 0, 0, 0, 20, 3,
                    now - 600_000)));
            for (int click = 0; click < 3; click++) {
                interactions.add(new Interaction(user, now - 60_000 + click * 1_000, "i" + (2 + i * 3 + click),
                        "click"));
            }
        }
        rows.add(new FeatureRow(EntityType.USER, "u9", now - 4_000, new Counters(20, 0, 0, 0, 0, 20, 0,
                now - 600_000)));
        fixture.store.writer().write(rows, interactions, List.of());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (fixture != null) {
            fixture.close();
        }
        if (jobMetrics != null) {
            jobMetrics.stop(0);
        }
    }

    @BeforeEach
    void openThePage() {
        browser.navigate(fixture.base() + "/");
        browser.waitFor("the page script to draw its live charts",
                "window.pageCharts && Object.keys(window.pageCharts).length === " + LIVE_CHARTS, WAIT);
    }

    @AfterEach
    void thePageThrewNothing() {
        assertThat(browser.takePageErrors()).as("uncaught exceptions in the page").isEmpty();
    }

    private static String testId(String id) {
        return "[data-testid=" + id + "]";
    }

    private static int renderedRows() {
        return browser.evaluate("document.querySelectorAll('[data-testid=rec-row]').length").asInt();
    }

    private static void recommendFor(String userId) {
        browser.type(testId("user-input"), userId);
        browser.click(testId("load"));
        browser.waitFor("the list for " + userId,
                "document.querySelector('[data-testid=summary-user]').textContent === " + quote(userId)
                        + " && document.querySelectorAll('[data-testid=rec-row]').length > 0", WAIT);
    }

    @Test
    void aTypedUserIdShowsTheRankedListWithModelVersionArmAndDegradedFlag() {
        recommendFor("u2");

        assertThat(renderedRows()).isEqualTo(10);
        assertThat(browser.text(testId("model-version"))).isEqualTo("v1");
        assertThat(browser.text(testId("experiment-arm"))).isNotBlank();
        assertThat(browser.text(testId("degraded"))).isEqualTo("no");
        assertThat(browser.text(testId("request-id"))).isNotBlank();
        JsonNode firstRow = browser.evaluate("(() => { const row = document.querySelector('[data-testid=rec-row]');"
                + " return {position: row.cells[0].textContent, item: row.dataset.itemId,"
                + " score: row.querySelector('[data-testid=rec-score]').textContent}; })()");
        assertThat(firstRow.get("position").asText()).isEqualTo("1");
        assertThat(firstRow.get("item").asText()).matches("i\\d+");
        assertThat(firstRow.get("score").asText()).matches("-?\\d+\\.\\d{4}");
        assertThat(browser.text(testId("error"))).isEmpty();
    }

    @Test
    void clickingAnItemPostsARealClickWithTheListsRequestIdThenRefreshesTheListAndShowsLiveFeatures()
            throws Exception {
        recommendFor("u1");
        String requestId = browser.text(testId("request-id"));
        String item = browser.evaluate("document.querySelector('[data-testid=rec-row]').dataset.itemId").asText();
        double acceptedBefore = acceptedEvents();

        browser.click("[data-testid=click-button][data-item-id=" + quote(item) + "]");

        browser.waitFor("the click to be confirmed",
                "document.querySelector('[data-testid=click-status]').textContent.includes('accepted')", WAIT);
        assertThat(browser.text(testId("click-status"))).contains("click on " + item + " accepted (202");
        assertThat(acceptedEvents()).isEqualTo(acceptedBefore + 1);
        JsonNode click = clickOnKafka("u1", item);
        assertThat(click.get("request_id").asText()).isEqualTo(requestId);
        assertThat(click.get("model_version").asText()).isEqualTo("v1");

        browser.waitFor("a new list about 1.5 s after the click",
                "document.querySelector('[data-testid=request-id]').textContent !== " + quote(requestId)
                        + " && document.querySelector('[data-testid=click-status]').textContent.includes('refreshed')",
                Duration.ofSeconds(5));
        assertThat(browser.text(testId("item-title"))).isEqualTo(item);
        browser.waitFor("the clicked item's features",
                "document.querySelector('[data-testid=item-features] [data-feature=clicks_1h]')", WAIT);
        browser.waitFor("the user's features",
                "document.querySelector('[data-testid=user-features] [data-feature=clicks_1h]')", WAIT);
        assertThat(browser.text(testId("item-features"))).contains("item:" + item, "clicks_24h");
        assertThat(browser.text(testId("item-explain"))).contains("gbdt");
        assertThat(browser.text(testId("error"))).isEmpty();
    }

    @Test
    void anApiErrorIsShownOnThePageWithItsCodeAndMessage() {
        browser.type(testId("user-input"), "not a valid id!");
        browser.click(testId("load"));

        String error = browser.waitFor("the error banner",
                "(() => { const e = document.querySelector('[data-testid=error]');"
                        + " return e.hidden ? null : e.textContent; })()", WAIT).asText();
        assertThat(error).contains("GET /v1/recommendations", "HTTP 400", "bad_request");
        assertThat(renderedRows()).isZero();
    }

    @Test
    void autoRefreshFetchesANewListEveryTwoSeconds() {
        recommendFor("u3");
        String first = browser.text(testId("request-id"));

        browser.click(testId("auto-refresh"));

        String second = browser.waitFor("an automatic refresh",
                "(() => { const id = document.querySelector('[data-testid=request-id]').textContent;"
                        + " return id !== " + quote(first) + " ? id : null; })()", Duration.ofSeconds(5)).asText();
        browser.waitFor("a second automatic refresh",
                "document.querySelector('[data-testid=request-id]').textContent !== " + quote(second),
                Duration.ofSeconds(5));
        browser.click(testId("auto-refresh"));
        assertThat(browser.evaluate("document.querySelector('[data-testid=auto-refresh]').checked").asBoolean())
                .isFalse();
    }

    @Test
    void theNewUserButtonMakesARandomIdThatGetsAColdStartList() {
        browser.click(testId("new-user"));

        browser.waitFor("a list for the new user", "document.querySelectorAll('[data-testid=rec-row]').length > 0",
                WAIT);
        String userId = browser.text(testId("summary-user"));
        assertThat(userId).startsWith("new-");
        assertThat(browser.evaluate("document.querySelector('[data-testid=user-input]').value").asText())
                .isEqualTo(userId);
        assertThat(browser.evaluate("location.search").asText()).contains("user_id=" + userId);
    }

    /** The non-empty values of the series labelled {@code label} in the page's chart {@code chartId}. */
    private static String values(String chartId, String label) {
        return "(() => { const u = window.pageCharts[" + quote(chartId) + "]; if (!u) return [];"
                + " const i = u.series.findIndex((s) => s.label === " + quote(label) + ");"
                + " return i < 0 ? [] : u.data[i].filter((v) => v != null); })()";
    }

    private static double lastValue(String chartId, String label) {
        JsonNode values = browser.evaluate(values(chartId, label));
        assertThat(values.size()).as("values of %s in chart %s", label, chartId).isPositive();
        return values.get(values.size() - 1).asDouble();
    }

    @Test
    void theLiveChartsDrawTheApisRequestRateAndLatencyByStageFromGetV1Live() {
        recommendFor("u2");

        browser.waitFor("ranked requests/s in the requests chart", values("requests", "ranked") + ".some((v) => v > 0)",
                WAIT);
        browser.waitFor("the p99 of the total and retrieve stages", values("latency", "total p99") + ".length > 0 && "
                + values("latency", "retrieve p99") + ".length > 0", WAIT);
        assertThat(lastValue("latency", "total p99")).isPositive();
        assertThat(browser.evaluate("document.querySelectorAll('[data-testid=live-charts] canvas').length").asInt())
                .isEqualTo(LIVE_CHARTS);
        assertThat(browser.evaluate(values("requests", "shed")).size()).as("sheds are drawn as 0, not left out")
                .isPositive();
    }

    @Test
    void theFeatureJobsChartsDrawItsEventRateLagAndEachArmsCtrFromItsMetricsEndpoint() {
        browser.waitFor("events/s from the job's metrics", values("job-events", "valid") + ".length > 1", WAIT);
        browser.waitFor("both arms' CTR", values("ctr", "control") + ".length > 0 && "
                + values("ctr", "treatment") + ".length > 0", WAIT);

        // two subtasks of 100 events/s each, summed; the sampler's seconds are not exact, so neither is the rate
        assertThat(lastValue("job-events", "valid")).isBetween(150.0, 270.0);
        assertThat(lastValue("freshness", "event → store (ms)")).as("the larger subtask's lag").isEqualTo(160.0);
        assertThat(lastValue("ctr", "control")).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(lastValue("ctr", "treatment")).isCloseTo(0.08, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(browser.evaluate("document.getElementById('note-ctr').hidden").asBoolean())
                .as("no 'no job numbers' note while the endpoint answers").isTrue();
    }

    @Test
    void theLearningLoopsLatestDecisionsAreListedNewestFirst() throws Exception {
        Files.writeString(fixture.bundles.root().resolve(io.recsys.models.rollout.LearningLoop.JOURNAL_FILE),
                "{\"time\":\"2026-12-07T10:00:00Z\",\"kind\":\"gate_passed\",\"candidate\":\"loop-a\","
                        + "\"serving\":\"v1\",\"reason\":\"within the margins\",\"numbers\":{}}\n"
                        + "{\"time\":\"2026-12-07T10:05:00Z\",\"kind\":\"rolled_back\",\"candidate\":\"loop-a\","
                        + "\"serving\":\"v1\",\"reason\":\"P(treatment CTR > control CTR) = 0.010\",\"numbers\":{}}\n");

        browser.waitFor("the loop's decisions", "document.querySelectorAll('[data-testid=loop-decision]').length === 2",
                WAIT);

        JsonNode rows = browser.evaluate("[...document.querySelectorAll('[data-testid=loop-decision]')]"
                + ".map((row) => row.textContent)");
        assertThat(rows.get(0).asText()).contains("rolled back", "loop-a", "v1", "0.010");
        assertThat(rows.get(1).asText()).contains("gate passed", "within the margins");
        assertThat(browser.evaluate("document.querySelector('[data-testid=loop-empty]').hidden").asBoolean()).isTrue();
    }

    @Test
    void quickPicksAreUsersWrittenLatelyThatHaveHistoryAndEachListedItemSaysWhyItIsThere() {
        browser.waitFor("quick picks for the users with history", USERS_WITH_HISTORY.stream()
                .map(user -> "document.querySelector(" + quote(testId("suggest-" + user)) + ")")
                .reduce((a, b) -> a + " && " + b).orElseThrow(), WAIT);
        assertThat(browser.evaluate("document.querySelector('[data-testid=suggest-u9]')").isNull())
                .as("u9 was only shown lists: no history to personalise from").isTrue();
        assertThat(browser.evaluate("document.querySelector('[data-testid=suggest-u7]').title").asText())
                .contains("3 clicks in all", "3 recent items");

        browser.click(testId("suggest-u7"));

        browser.waitFor("the list for u7", "document.querySelector('[data-testid=summary-user]').textContent === 'u7'"
                + " && document.querySelectorAll('[data-testid=rec-row]').length > 0", WAIT);
        JsonNode reasons = browser.evaluate(
                "[...document.querySelectorAll('[data-testid=rec-why]')].map((cell) => cell.textContent)");
        assertThat(reasons).isNotEmpty().allSatisfy(reason -> assertThat(reason.asText())
                .matches("(near what the user interacted with|trending now|from the catalogue \\(little is trending\\))"
                        + " · \\S+ -?[0-9.]+.*"));
    }

    @Test
    void clickingARowChartsThatItemsFeatureHistoryAndRankAndANewRowForItMovesTheChart() throws Exception {
        recommendFor("u7");
        JsonNode items = browser.evaluate(
                "[...document.querySelectorAll('[data-testid=rec-row]')].map((row) => row.dataset.itemId)");
        String first = items.get(0).asText();
        String second = items.get(1).asText();

        browser.click("[data-testid=rec-row][data-item-id=" + quote(first) + "] [data-testid=rec-item]");

        browser.waitFor("the history of " + first, "document.getElementById('item-history').dataset.itemId === "
                + quote(first) + " && " + values("item-history", "clicks 1h") + ".length === 61", WAIT);
        browser.waitFor("a rank sample of " + first + " for a fresh user", values("item-rank", "rank (1 = top)")
                + ".length > 0", WAIT);
        double clicksBefore = lastValue("item-history", "clicks 1h");

        // what the feature job writes after five clicks on the item
        long now = System.currentTimeMillis();
        long clicks = Long.parseLong(first.substring(1)) + 5;
        fixture.store.writer().write(List.of(new FeatureRow(EntityType.ITEM, first, now - 500,
                new Counters(110, clicks, 0, 0, 0, 110, clicks, now - 3_600_000))), List.of(), List.of());

        browser.waitFor("the chart of " + first + " to show the new clicks", "(() => { const v = "
                + values("item-history", "clicks 1h") + "; return v[v.length - 1] === " + (clicksBefore + 5) + "; })()",
                WAIT);
        browser.waitFor("the live charts to have data for the screenshot", values("job-events", "valid")
                + ".length > 2 && " + values("latency", "total p99") + ".length > 0", WAIT);
        browser.screenshot(SCREENSHOT);

        browser.click("[data-testid=rec-row][data-item-id=" + quote(second) + "] [data-testid=rec-item]");

        browser.waitFor("the history of " + second, "document.getElementById('item-history').dataset.itemId === "
                + quote(second), WAIT);
        assertThat(browser.text(testId("item-title"))).isEqualTo(second);
        assertThat(browser.text(testId("error"))).isEmpty();
    }

    private static double acceptedEvents() throws Exception {
        Matcher matcher = ACCEPTED.matcher(fixture.get("/metrics").body());
        assertThat(matcher.find()).as("recsys_events_accepted_total in /metrics").isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    /** The click event the page published, read back from the events topic. */
    private static JsonNode clickOnKafka(String userId, String itemId) throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "page-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.EVENTS));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = JSON.readTree(record.value());
                    if ("click".equals(event.path("type").asText()) && userId.equals(event.path("user_id").asText())
                            && itemId.equals(event.path("item_id").asText())) {
                        return event;
                    }
                }
            }
        }
        throw new AssertionError("no click by " + userId + " on " + itemId + " on " + Topics.EVENTS + " within " + WAIT);
    }
}
