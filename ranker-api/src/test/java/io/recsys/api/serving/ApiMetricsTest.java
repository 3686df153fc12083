package io.recsys.api.serving;

import io.prometheus.client.exporter.common.TextFormat;
import io.recsys.schema.event.RejectReason;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ApiMetricsTest {

    private static String exported(ApiMetrics metrics) throws Exception {
        StringWriter text = new StringWriter();
        TextFormat.write004(text, metrics.registry.metricFamilySamples());
        return text.toString();
    }

    @Test
    void aFreshServerExportsEveryKnownLabelAtZeroSoDashboardsShowZeroNotNoData() throws Exception {
        String text = exported(new ApiMetrics());

        for (RejectReason reason : RejectReason.values()) {
            assertThat(text).contains("recsys_events_rejected_total{reason=\"" + reason.label() + "\",} 0.0");
        }
        assertThat(text).contains("recsys_events_rejected_total{reason=\"forbidden\",} 0.0")
                .contains("recsys_errors_total{kind=\"feature_store\",} 0.0")
                .contains("recsys_requests_shed_by_reason_total{reason=\"queue_time\",} 0.0")
                .contains("recsys_store_reads_total{outcome=\"skipped\",} 0.0");
    }

    @Test
    void everyErrorKindTheCodeCountsIsAmongTheKnownOnes() throws Exception {
        Pattern counted = Pattern.compile("errors\\.labels\\(\"([a-z_]+)\"\\)");
        Set<String> kinds = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = counted.matcher(Files.readString(source));
                while (matcher.find()) {
                    kinds.add(matcher.group(1));
                }
            }
        }
        assertThat(kinds).isNotEmpty();
        assertThat(ApiMetrics.ERROR_KINDS).containsAll(kinds);
    }
}
