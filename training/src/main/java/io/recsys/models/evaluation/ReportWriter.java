package io.recsys.models.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes OUT/metrics.json ({@code {"system": {…}, "baselines": {"NAME": {…}}, "notes": {…}}}) and OUT/report.html,
 * a self-contained page with inline SVG plots: each metric per system, score distributions, feature importance.
 */
public final class ReportWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

    private ReportWriter() {
    }

    public static void write(EvaluationResult result, Path out) throws IOException {
        Files.createDirectories(out);
        ObjectNode root = JSON.createObjectNode();
        root.set("system", JSON.valueToTree(result.system()));
        root.set("baselines", JSON.valueToTree(result.baselines()));
        root.set("notes", JSON.valueToTree(result.notes()));
        Files.writeString(out.resolve("metrics.json"), JSON.writeValueAsString(root));
        Files.writeString(out.resolve("report.html"), html(result));
    }

    static String html(EvaluationResult result) {
        StringBuilder page = new StringBuilder();
        page.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(result.dataset())).append(" evaluation</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child")
                .append("{text-align:left}svg{margin:0 1em 1em 0}</style></head><body>");
        page.append("<h1>").append(escape(result.dataset())).append(" evaluation</h1>");
        Map<String, Map<String, Double>> systems = new LinkedHashMap<>();
        systems.put("system", result.system());
        systems.putAll(result.baselines());
        page.append("<h2>Metrics</h2><table><tr><th>system</th>");
        for (String metric : result.system().keySet()) {
            page.append("<th>").append(escape(metric)).append("</th>");
        }
        page.append("</tr>");
        systems.forEach((name, metrics) -> {
            page.append("<tr><td>").append(escape(name)).append("</td>");
            for (String metric : result.system().keySet()) {
                Double value = metrics.get(metric);
                page.append("<td>").append(value == null ? "" : format(value)).append("</td>");
            }
            page.append("</tr>");
        });
        page.append("</table><h2>Metric per system</h2>");
        for (String metric : result.system().keySet()) {
            Map<String, Double> bars = new LinkedHashMap<>();
            systems.forEach((name, metrics) -> {
                if (metrics.get(metric) != null) {
                    bars.put(name, metrics.get(metric));
                }
            });
            page.append(barChart(metric, bars));
        }
        if (!result.scoreSamples().isEmpty()) {
            page.append("<h2>Score distributions</h2>");
            result.scoreSamples().forEach((name, sample) -> page.append(histogram(name, sample)));
        }
        if (!result.featureImportance().isEmpty()) {
            page.append("<h2>Feature importance</h2>").append(barChart("total gain", result.featureImportance()));
        }
        page.append("<h2>Notes</h2><pre>");
        try {
            page.append(escape(JSON.writeValueAsString(result.notes())));
        } catch (IOException e) {
            page.append(escape(String.valueOf(result.notes())));
        }
        page.append("</pre></body></html>\n");
        return page.toString();
    }

    static String barChart(String title, Map<String, Double> bars) {
        int rowHeight = 22;
        int width = 560;
        int labelWidth = 220;
        double max = bars.values().stream().mapToDouble(Math::abs).max().orElse(1.0);
        StringBuilder svg = new StringBuilder();
        int height = 30 + rowHeight * bars.size();
        svg.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" role=\"img\"><title>%s</title>", width,
                height, escape(title)));
        svg.append("<text x=\"0\" y=\"16\" font-weight=\"bold\">").append(escape(title)).append("</text>");
        int row = 0;
        for (Map.Entry<String, Double> bar : bars.entrySet()) {
            double length = max == 0 ? 0 : (width - labelWidth - 70) * Math.abs(bar.getValue()) / max;
            int y = 26 + row * rowHeight;
            svg.append(String.format(Locale.ROOT,
                    "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
                            + "height=\"16\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" font-size=\"12\">%s</text>",
                    y + 12, escape(bar.getKey()), labelWidth, y, length, COLOURS[row % COLOURS.length],
                    labelWidth + length + 4, y + 12, format(bar.getValue())));
            row++;
        }
        return svg.append("</svg>").toString();
    }

    static String histogram(String title, EvaluationResult.ScoreSample sample) {
        int bins = 30;
        List<Double> all = new ArrayList<>(sample.positives());
        all.addAll(sample.negatives());
        double min = all.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = all.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double span = max > min ? max - min : 1;
        double[] positive = shares(sample.positives(), bins, min, span);
        double[] negative = shares(sample.negatives(), bins, min, span);
        double top = 0;
        for (int b = 0; b < bins; b++) {
            top = Math.max(top, Math.max(positive[b], negative[b]));
        }
        int width = 560;
        int height = 200;
        double binWidth = (width - 20.0) / bins;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" role=\"img\"><title>%s</title><text x=\"0\" y=\"16\" "
                        + "font-weight=\"bold\">%s: clicked (orange) vs not (blue), share per bin, %s to %s</text>",
                width, height + 40, escape(title), escape(title), format(min), format(max)));
        for (int b = 0; b < bins; b++) {
            double x = 10 + b * binWidth;
            appendBar(svg, x, binWidth / 2, negative[b] / top * height, height, COLOURS[0]);
            appendBar(svg, x + binWidth / 2, binWidth / 2, positive[b] / top * height, height, COLOURS[1]);
        }
        return svg.append("</svg>").toString();
    }

    private static void appendBar(StringBuilder svg, double x, double width, double barHeight, int height,
                                  String colour) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                + "fill=\"%s\"/>", x, 30 + height - barHeight, width, barHeight, colour));
    }

    private static double[] shares(List<Double> values, int bins, double min, double span) {
        double[] shares = new double[bins];
        for (double value : values) {
            int bin = (int) Math.min(bins - 1, Math.floor((value - min) / span * bins));
            shares[bin] += 1.0 / values.size();
        }
        return shares;
    }

    private static String format(double value) {
        return Math.abs(value) >= 1000 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.4f", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
