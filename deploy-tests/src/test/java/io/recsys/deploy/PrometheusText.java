package io.recsys.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A scrape in Prometheus' text format: which metric names it holds, and a sample's value. */
record PrometheusText(String text) {

    // HTTP/1.1: on plain HTTP the JDK client's h2c upgrade sometimes never returned, its timeout notwithstanding
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static PrometheusText scrape(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET()
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        return new PrometheusText(response.body());
    }

    /** The names of every sample, and of every family a "# TYPE" line declares (a family may have no sample). */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                names.add(line.split(" ")[2]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** Each sample name → the label names its samples carry. */
    Map<String, Set<String>> labels() {
        Map<String, Set<String>> labels = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            boolean hasLabels = brace > 0 && (space < 0 || brace < space);
            Set<String> names = labels.computeIfAbsent(line.substring(0, hasLabels ? brace : space),
                    n -> new TreeSet<>());
            int i = brace + 1;
            while (hasLabels && i < line.length() && line.charAt(i) != '}') {
                int equals = line.indexOf('=', i);
                names.add(line.substring(i, equals).trim());
                i = equals + 2; // past =" to the value
                while (line.charAt(i) != '"') {
                    i += line.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        return labels;
    }

    /** The largest value among the samples of {@code name}, whatever their labels. */
    OptionalDouble max(String name) {
        return text.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .max();
    }
}
