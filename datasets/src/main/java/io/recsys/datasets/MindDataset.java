package io.recsys.datasets;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ItemAttributes;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * MIND (behaviors.tsv, news.tsv). Each candidate of an impression line is an impression at its list position;
 * each candidate labelled 1 is also a click, at the same instant (the line's time, read as UTC). The history
 * column describes the user, not items shown, so it produces no events.
 */
public final class MindDataset {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a", Locale.US);
    static final String SURFACE = "mind";

    private MindDataset() {
    }

    public static Dataset read(Path directory) throws IOException {
        List<Event> events = new ArrayList<>();
        for (MindImpression impression : readImpressions(directory)) {
            addEvents(impression, events);
        }
        return new Dataset("mind", events, readNews(directory.resolve("news.tsv")));
    }

    /** The impression lines in time order (ties keep file order), for evaluation protocols that work per line. */
    public static List<MindImpression> readImpressions(Path directory) throws IOException {
        Path behaviors = directory.resolve("behaviors.tsv");
        if (!Files.exists(behaviors)) {
            throw new IllegalArgumentException(directory + " has no behaviors.tsv: is it a MIND directory?");
        }
        List<MindImpression> impressions = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(behaviors, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    impressions.add(parseLine(line, lineNumber));
                }
            }
        }
        impressions.sort(Comparator.comparingLong(MindImpression::time));
        return impressions;
    }

    /** Parses one impression line into its impressions and clicks. */
    public static MindImpression parseLine(String line, int lineNumber) {
        String[] columns = line.split("\t", -1);
        if (columns.length < 5) {
            throw new IllegalArgumentException("behaviors.tsv line " + lineNumber + " has " + columns.length
                    + " columns, expected 5");
        }
        long time = LocalDateTime.parse(columns[2].trim(), TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        List<String> items = new ArrayList<>();
        List<Boolean> clicked = new ArrayList<>();
        for (String candidate : columns[4].trim().split(" ")) {
            int dash = candidate.lastIndexOf('-');
            if (dash <= 0) {
                throw new IllegalArgumentException("behaviors.tsv line " + lineNumber + ": candidate '" + candidate
                        + "' is not ITEM-LABEL");
            }
            items.add(candidate.substring(0, dash));
            clicked.add(candidate.substring(dash + 1).equals("1"));
        }
        List<String> history = columns[3].isBlank() ? List.of() : List.of(columns[3].trim().split(" "));
        return new MindImpression(columns[0], columns[1], time, history, items, clicked);
    }

    private static void addEvents(MindImpression impression, List<Event> events) {
        String requestId = "mind-" + impression.impressionId();
        for (int p = 0; p < impression.items().size(); p++) {
            int position = p + 1;
            String item = impression.items().get(p);
            events.add(Event.impression(requestId + "-" + position, requestId, impression.userId(), item, position,
                    SURFACE, null, null, impression.time()));
            if (impression.clicked().get(p)) {
                events.add(Event.feedback(requestId + "-" + position + "-click", EventType.CLICK, requestId,
                        impression.userId(), item, impression.time()));
            }
        }
    }

    public static List<ItemAttributes> readNews(Path news) throws IOException {
        List<ItemAttributes> items = new ArrayList<>();
        if (!Files.exists(news)) {
            return items;
        }
        try (BufferedReader reader = Files.newBufferedReader(news, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] columns = line.split("\t", -1);
                if (columns.length >= 3 && !columns[1].isBlank()) {
                    items.add(new ItemAttributes(columns[0], columns[1], columns[2].isBlank() ? null : columns[2]));
                }
            }
        }
        return items;
    }

    /** One behaviors.tsv line. */
    public record MindImpression(String impressionId, String userId, long time, List<String> history,
                                 List<String> items, List<Boolean> clicked) {
    }
}
