package io.recsys.datasets;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ItemAttributes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * MovieLens 100K (u.data, u.item, u.genre). Each rating is a view at its time; a rating of 4 or more is also a
 * click. An item's category is its first genre.
 */
public final class MovieLensDataset {

    public static final int POSITIVE_RATING = 4;

    private MovieLensDataset() {
    }

    public static Dataset read(Path directory) throws IOException {
        Path data = directory.resolve("u.data");
        if (!Files.exists(data)) {
            throw new IllegalArgumentException(directory + " has no u.data: is it a MovieLens 100K directory?");
        }
        List<Event> events = new ArrayList<>();
        for (Rating rating : ratings(directory)) {
            String base = "ml-" + rating.userId() + "-" + rating.itemId();
            events.add(Event.feedback(base + "-view", EventType.VIEW, null, rating.userId(), rating.itemId(),
                    rating.time()));
            if (rating.rating() >= POSITIVE_RATING) {
                events.add(Event.feedback(base + "-click", EventType.CLICK, null, rating.userId(), rating.itemId(),
                        rating.time()));
            }
        }
        events.sort(Comparator.comparingLong(Event::eventTime));
        return new Dataset("movielens", events, catalogue(directory));
    }

    public static List<Rating> ratings(Path directory) throws IOException {
        List<Rating> ratings = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(directory.resolve("u.data"), StandardCharsets.ISO_8859_1)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] columns = line.trim().split("\t");
            if (columns.length != 4) {
                throw new IllegalArgumentException("u.data line " + lineNumber + " has " + columns.length
                        + " columns, expected 4");
            }
            ratings.add(new Rating(columns[0], columns[1], Integer.parseInt(columns[2]),
                    Long.parseLong(columns[3]) * 1000));
        }
        return ratings;
    }

    private static List<ItemAttributes> catalogue(Path directory) throws IOException {
        List<ItemAttributes> items = new ArrayList<>();
        Path genreFile = directory.resolve("u.genre");
        Path itemFile = directory.resolve("u.item");
        if (!Files.exists(genreFile) || !Files.exists(itemFile)) {
            return items;
        }
        List<String> genres = new ArrayList<>();
        for (String line : Files.readAllLines(genreFile, StandardCharsets.ISO_8859_1)) {
            if (!line.isBlank()) {
                genres.add(line.substring(0, line.lastIndexOf('|')));
            }
        }
        for (String line : Files.readAllLines(itemFile, StandardCharsets.ISO_8859_1)) {
            String[] columns = line.split("\\|", -1);
            if (columns.length < 5 + genres.size()) {
                continue;
            }
            for (int g = 0; g < genres.size(); g++) {
                if (columns[5 + g].equals("1")) {
                    items.add(new ItemAttributes(columns[0], genres.get(g).replace('|', '/'), null));
                    break;
                }
            }
        }
        return items;
    }

    /** One line of u.data; time in epoch ms. */
    public record Rating(String userId, String itemId, int rating, long time) {
    }
}
