package io.recsys.datasets;

import io.recsys.schema.session.SessionAction;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * trivago's RecSys Challenge 2019 session log (sessions.csv). The file is grouped by user and session, not by time;
 * {@link #read} returns the rows in replay order, (timestamp, session, step).
 */
public final class TrivagoDataset {

    public static final String FILE = "sessions.csv";
    static final List<String> HEADER = List.of("user_id", "session_id", "timestamp", "step", "action_type",
            "reference", "platform", "city", "device", "current_filters", "impressions", "prices");

    /** Replay order: rows at one instant keep their sessions' own step order. */
    public static final Comparator<TrivagoRow> REPLAY_ORDER = Comparator.comparingLong(TrivagoRow::timestamp)
            .thenComparing(TrivagoRow::sessionId).thenComparingInt(TrivagoRow::step);

    private TrivagoDataset() {
    }

    /** Every row of {@code directory}/sessions.csv in replay order. */
    public static List<TrivagoRow> read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(directory + " has no " + FILE + ": is it a trivago directory?");
        }
        List<TrivagoRow> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            stream(reader, rows::add);
        }
        rows.sort(REPLAY_ORDER);
        return rows;
    }

    /** Parses rows one line at a time, in file order, handing each to {@code sink}; the header line comes first. */
    public static void stream(BufferedReader reader, Consumer<TrivagoRow> sink) throws IOException {
        String header = reader.readLine();
        if (header == null || !List.of(header.split(",", -1)).equals(HEADER)) {
            throw new IllegalArgumentException(FILE + " line 1: expected the header " + String.join(",", HEADER)
                    + ", got '" + header + "'");
        }
        String line;
        int lineNumber = 1;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (!line.isBlank()) {
                sink.accept(parse(line, lineNumber));
            }
        }
    }

    static TrivagoRow parse(String line, int lineNumber) {
        try {
            List<String> columns = CsvLine.split(line);
            if (columns.size() != HEADER.size()) {
                throw new IllegalArgumentException("has " + columns.size() + " columns, expected " + HEADER.size());
            }
            SessionAction action = SessionAction.fromLogName(columns.get(4));
            List<String> impressions = pipeList(columns.get(10));
            List<Integer> prices = new ArrayList<>();
            for (String price : pipeList(columns.get(11))) {
                prices.add(parseNumber(price, "price").intValue());
            }
            if (impressions.size() != prices.size()) {
                throw new IllegalArgumentException(impressions.size() + " impressions but " + prices.size()
                        + " prices");
            }
            String reference = columns.get(5);
            if (action == SessionAction.CLICKOUT && (impressions.isEmpty() || reference.isEmpty())) {
                throw new IllegalArgumentException("a clickout needs a clicked hotel and the list shown");
            }
            return new TrivagoRow(columns.get(0), columns.get(1), parseNumber(columns.get(2), "timestamp"),
                    parseNumber(columns.get(3), "step").intValue(), action, reference, columns.get(6),
                    columns.get(7), columns.get(8), pipeList(columns.get(9)), impressions, prices);
        } catch (IllegalArgumentException e) {
            throw malformed(lineNumber, e.getMessage());
        }
    }

    private static Long parseNumber(String text, String what) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a whole number");
        }
    }

    private static List<String> pipeList(String column) {
        return column.isEmpty() ? List.of() : List.of(column.split("\\|", -1));
    }

    private static IllegalArgumentException malformed(int lineNumber, String problem) {
        return new IllegalArgumentException(FILE + " line " + lineNumber + ": " + problem);
    }
}
