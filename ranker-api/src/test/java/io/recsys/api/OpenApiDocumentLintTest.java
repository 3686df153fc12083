package io.recsys.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is one a client generator can trust: Redocly CLI's recommended rules (tools/lint/redocly.yaml)
 * find neither an error nor a warning in it. Here rather than in deploy-tests because the document is this
 * module's: a change to it is linted by the module's own tests, without building the deployment checks.
 */
class OpenApiDocumentLintTest {

    private static final String DOCUMENT = "ranker-api/src/main/resources/openapi.yaml";

    @Test
    void openApiDocumentPassesRedoclyRecommendedRules() throws Exception {
        LintTools.Result result = LintTools.run("redocly", "lint", "--config", "tools/lint/redocly.yaml",
                "--format", "json", DOCUMENT);

        String output = result.stdout() + result.stderr();
        JsonNode report = new ObjectMapper().readTree(result.stdout());
        assertThat(report.path("problems")).as(output).isEmpty();
        assertThat(report.path("totals").path("errors").asInt(-1)).as(output).isZero();
        assertThat(report.path("totals").path("warnings").asInt(-1)).as(output).isZero();
        assertThat(result.exitCode()).as(output).isZero();
    }
}
