package io.recsys.api.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Samples of one scrape in Prometheus' text format, and sums and maxima over their labels. The one reader of that
 * format in the system: the page's job metrics, the learning loop's arm counters and the benchmarks' scrape
 * differences all read through it.
 */
public final class PrometheusText {

    /** One sample line: the series name (with a histogram's {@code _bucket} suffix), its labels and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, List<Sample>> byName = new HashMap<>();
    private final List<Sample> inOrder = new ArrayList<>();

    private PrometheusText() {
    }

    /**
     * @throws IllegalArgumentException naming the line when one is not a sample
     */
    public static PrometheusText parse(String text) {
        PrometheusText scrape = new PrometheusText();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Sample sample = sample(trimmed);
            scrape.byName.computeIfAbsent(sample.name(), n -> new ArrayList<>()).add(sample);
            scrape.inOrder.add(sample);
        }
        return scrape;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("not a Prometheus sample: " + line);
        }
        Map<String, String> labels = new HashMap<>();
        String name;
        int valueFrom;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (i < line.length() && line.charAt(i) != '}') {
                if (line.charAt(i) == ',' || line.charAt(i) == ' ') {
                    i++;
                    continue;
                }
                int equals = line.indexOf("=\"", i);
                if (equals < 0) {
                    throw new IllegalArgumentException("not a Prometheus sample: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = equals + 2;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        char escaped = line.charAt(++j);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(line.substring(i, equals).strip(), value.toString());
                i = j + 1;
            }
            valueFrom = i + 1;
        } else {
            name = line.substring(0, space);
            valueFrom = space;
        }
        String[] rest = line.substring(Math.min(valueFrom, line.length())).strip().split("\\s+");
        try {
            return new Sample(name, labels, Double.parseDouble(rest[0]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a Prometheus sample value: " + line, e);
        }
    }

    /** Every sample, in the order of the scrape's lines. */
    public List<Sample> samples() {
        return List.copyOf(inOrder);
    }

    /** The sum over every sample of {@code name}; empty when there is none. */
    public OptionalDouble sum(String name) {
        List<Sample> samples = byName.get(name);
        return samples == null ? OptionalDouble.empty()
                : OptionalDouble.of(samples.stream().mapToDouble(Sample::value).filter(Double::isFinite).sum());
    }

    /** The largest finite value among the samples of {@code name}; empty when there is none. */
    public OptionalDouble max(String name) {
        List<Sample> samples = byName.getOrDefault(name, List.of());
        return samples.stream().mapToDouble(Sample::value).filter(Double::isFinite).max();
    }

    /** The sums of the samples of {@code name} by the value of their label {@code label}. */
    public Map<String, Double> sumBy(String name, String label) {
        Map<String, Double> sums = new TreeMap<>();
        for (Sample sample : byName.getOrDefault(name, List.of())) {
            String value = sample.labels().get(label);
            if (value != null && Double.isFinite(sample.value())) {
                sums.merge(value, sample.value(), Double::sum);
            }
        }
        return sums;
    }
}
