package io.recsys.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.kafka.Topics;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.recsys.api.HeadlessChromium.quote;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at / in a real headless Chromium against a running API (embedded Kafka, fresh store, synthetic bundles).
 * Chromium is required: without it this test fails, telling how to install it, rather than skipping.
 */
class PageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SCREENSHOT = Path.of("target", "page.png");
    private static final Pattern ACCEPTED = Pattern.compile("(?m)^recsys_events_accepted_total (\\S+)$");

    @TempDir
    static Path dir;
    static HeadlessChromium browser;
    static ApiFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        // the browser first: if Chromium is missing, fail at once instead of after starting Kafka
        browser = HeadlessChromium.launch(Files.createDirectories(dir.resolve("chromium")), 1280, 900);
        fixture = new ApiFixture(Files.createDirectories(dir.resolve("api")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void openThePage() {
        browser.navigate(fixture.base() + "/");
        browser.waitFor("the page script to add the user suggestions",
                "document.querySelectorAll('[data-testid^=suggest-]').length === 5", WAIT);
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
        browser.screenshot(SCREENSHOT);
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
