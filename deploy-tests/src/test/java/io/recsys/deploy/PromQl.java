package io.recsys.deploy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads. Not a full parser: a scanner that knows where names cannot be
 * (strings, label matchers in braces, durations in brackets, label lists after by/without/on/ignoring/group_x,
 * function names before a parenthesis, keywords, numbers, Grafana's $variables) and takes every other identifier
 * as a metric name.
 */
final class PromQl {

    /** operators, modifiers, and the aggregations (which may stand before their "by (...)", not their "(") */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2", "start", "end",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");
    /** keywords whose parenthesised list that follows holds label names */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    private PromQl() {
    }

    static Set<String> metricNames(String expression) {
        return selectors(expression).keySet();
    }

    /** Each metric name the expression reads → the label names its selectors match on ({@code x{a="1"}} → a). */
    static Map<String, Set<String>> selectors(String expression) {
        Map<String, Set<String>> selectors = new TreeMap<>();
        String text = expression;
        int i = 0;
        String previousWord = "";
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(text, i);
            } else if (c == '#') {
                i = skipTo(text, i, '\n');
            } else if (c == '{') {
                i = skipTo(text, i, '}');
            } else if (c == '[') {
                i = skipTo(text, i, ']');
            } else if (c == '(' && LABEL_LISTS.contains(previousWord)) {
                i = skipTo(text, i, ')');
                previousWord = "";
            } else if (c == '$') {
                i = skipIdentifier(text, i + 1);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < text.length()
                    && Character.isDigit(text.charAt(i + 1)))) {
                i = skipNumber(text, i);
                previousWord = "";
            } else if (isIdentifierStart(c)) {
                int end = skipIdentifier(text, i);
                String word = text.substring(i, end);
                int next = skipSpace(text, end);
                boolean isCall = next < text.length() && text.charAt(next) == '(';
                if (!isCall && !KEYWORDS.contains(word.toLowerCase())) {
                    Set<String> labels = selectors.computeIfAbsent(word, w -> new TreeSet<>());
                    if (next < text.length() && text.charAt(next) == '{') {
                        int close = skipTo(text, next, '}');
                        labels.addAll(labelNames(text.substring(next + 1, close - 1)));
                        end = close;
                    }
                }
                previousWord = word.toLowerCase();
                i = end;
            } else {
                if (!Character.isWhitespace(c)) {
                    previousWord = "";
                }
                i++;
            }
        }
        return selectors;
    }

    /** The label names of a matcher list such as {@code a="x", b=~"y|z"}. */
    private static Set<String> labelNames(String matchers) {
        Set<String> names = new TreeSet<>();
        int i = 0;
        while (i < matchers.length()) {
            char c = matchers.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(matchers, i);
            } else if (isIdentifierStart(c)) {
                int end = skipIdentifier(matchers, i);
                names.add(matchers.substring(i, end));
                i = end;
            } else {
                i++;
            }
        }
        return names;
    }

    /**
     * The names a histogram's or summary's series go by: {@code x_bucket}, {@code x_sum} and {@code x_count}
     * are x's.
     */
    static String baseName(String name) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static int skipIdentifier(String text, int i) {
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
                || text.charAt(i) == ':')) {
            i++;
        }
        return i;
    }

    /** Numbers, durations (5m, 1h30m) and exponents (1e3). */
    private static int skipNumber(String text, int i) {
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        return i;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipString(String text, int start) {
        char quote = text.charAt(start);
        int i = start + 1;
        while (i < text.length() && text.charAt(i) != quote) {
            i += text.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return i + 1;
    }

    /** Past the closing character, minding strings inside (label values may hold '}' or ']'). */
    private static int skipTo(String text, int start, char close) {
        int i = start + 1;
        while (i < text.length() && text.charAt(i) != close) {
            char c = text.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(text, i) : i + 1;
        }
        return i + 1;
    }
}
