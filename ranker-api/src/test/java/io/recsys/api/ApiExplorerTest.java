package io.recsys.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API explorer at /docs: Swagger UI served from the classpath (no CDN), rendering the API's own document, in a
 * real headless Chromium. Chromium is required: without it this test fails, telling how to install it.
 */
class ApiExplorerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOT = Path.of("target", "explorer.png");
    private static final Pattern OPERATION_IDS = Pattern.compile("(?m)^\\s+operationId: (\\w+)$");

    @TempDir
    static Path dir;
    static HeadlessChromium browser;
    static ApiFixture fixture;

    @BeforeAll
    static void start() throws Exception {
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

    @AfterEach
    void thePageThrewNothing() {
        assertThat(browser.takePageErrors()).as("uncaught exceptions in the page").isEmpty();
    }

    @Test
    void theExplorerPageAndSwaggerUisFilesAreServedFromTheApi() throws Exception {
        HttpResponse<String> bare = fixture.get("/docs");
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValue("/docs/");

        Map<String, String> contentTypes = Map.of(
                "/docs/", "text/html",
                "/docs/explorer.js", "javascript",
                "/docs/swagger-ui/swagger-ui-bundle.js", "javascript",
                "/docs/swagger-ui/swagger-ui.css", "text/css");
        for (Map.Entry<String, String> asset : contentTypes.entrySet()) {
            HttpResponse<String> response = fixture.get(asset.getKey());
            assertThat(response.statusCode()).as(asset.getKey()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(asset.getKey())
                    .contains(asset.getValue());
            assertThat(response.body()).as(asset.getKey()).isNotBlank();
        }
        assertThat(fixture.get("/docs/").body()).doesNotContain("http://", "https://");
    }

    @Test
    void theExplorerRendersEveryOperationOfTheDocumentAndCallsTheHostThatServedIt() throws Exception {
        long operations = OPERATION_IDS.matcher(fixture.get("/openapi.yaml").body()).results().count();
        assertThat(operations).isEqualTo(12);

        browser.navigate(fixture.base() + "/docs/");
        browser.waitFor("Swagger UI to render the document's operations",
                "document.querySelectorAll('.opblock').length === " + operations, WAIT);

        browser.screenshot(SCREENSHOT);
        assertThat(browser.text(".info .title")).contains("recsys ranker API");
        String firstServer = browser.evaluate("document.querySelector('.servers select').options[0].value").asText();
        assertThat(firstServer).isEqualTo(fixture.base());
        assertThat(browser.evaluate("document.querySelectorAll('.servers select option').length").asInt())
                .as("this host, then the document's two servers").isEqualTo(3);
    }
}
