package io.recsys.simulator;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ItemAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic users {@code u1..uN} and items {@code i1..iM} with categories, latent tastes, position bias and items
 * that trend and fade. Deterministic for a seed: the same configuration yields the same events, so tests can
 * recompute expectations from the very log they replay.
 *
 * <p>Each call of {@link #request(long)} is one ranked list shown to one user: impressions at positions
 * 1..listSize and, for each, a click with probability quality × taste × position bias × trend; some clicks are
 * followed by a purchase, and some impressions by a view without a click.
 *
 * <p>With {@link SimulatorConfig#tasteShiftAt} set, every user's category tastes and every item's appeal are drawn
 * afresh (from a seeded generator of their own, so the events before the shift are those of the same seed without
 * one) and hold from that event time on: what a user liked, and what was clicked, says nothing of what they like
 * after the shift.
 */
public final class Simulator {

    private final SimulatorConfig config;
    private final SplittableRandom random;
    private final String[] categories;
    private final int[] itemCategory;
    private final double[] itemQuality;
    private final long[] itemPeak;
    private final double[][] userTaste;
    private final double[][] shiftedTaste;
    private final double[] shiftedQuality;
    private long requestCounter;

    public Simulator(SimulatorConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.categories = new String[config.categories()];
        for (int c = 0; c < categories.length; c++) {
            categories[c] = "cat" + (c + 1);
        }
        this.itemCategory = new int[config.items()];
        this.itemQuality = new double[config.items()];
        this.itemPeak = new long[config.items()];
        for (int i = 0; i < config.items(); i++) {
            itemCategory[i] = random.nextInt(categories.length);
            itemQuality[i] = 0.02 + 0.25 * Math.pow(random.nextDouble(), 2);
            itemPeak[i] = config.start() + (long) (random.nextDouble() * config.trendSpan().toMillis());
        }
        this.userTaste = tastes(config.users(), categories.length, random);
        // a generator of its own: the draws above, and so every event before the shift, do not depend on it
        SplittableRandom shifted = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 0x5157L);
        this.shiftedTaste = tastes(config.users(), categories.length, shifted);
        this.shiftedQuality = new double[config.items()];
        for (int i = 0; i < config.items(); i++) {
            shiftedQuality[i] = 0.02 + 0.25 * Math.pow(shifted.nextDouble(), 2);
        }
    }

    /** Per user a taste per category: heavy-tailed (a few favourites), averaging 1 over the categories. */
    private static double[][] tastes(int users, int categories, SplittableRandom random) {
        double[][] taste = new double[users][categories];
        for (int u = 0; u < users; u++) {
            double total = 0;
            for (int c = 0; c < categories; c++) {
                taste[u][c] = Math.pow(random.nextDouble(), 3);
                total += taste[u][c];
            }
            for (int c = 0; c < categories; c++) {
                taste[u][c] = categories * taste[u][c] / total;
            }
        }
        return taste;
    }

    public SimulatorConfig config() {
        return config;
    }

    public List<ItemAttributes> catalogue() {
        List<ItemAttributes> items = new ArrayList<>(config.items());
        for (int i = 0; i < config.items(); i++) {
            items.add(new ItemAttributes(itemId(i), categories[itemCategory[i]], null));
        }
        return items;
    }

    /** One list shown to a random user at {@code time}, with the user's reactions a few seconds later. */
    public synchronized List<Event> request(long time) {
        long requestNumber = ++requestCounter;
        String requestId = "r" + config.seed() + "-" + requestNumber;
        int user = random.nextInt(config.users());
        List<Event> events = new ArrayList<>();
        List<Integer> shown = new ArrayList<>();
        while (shown.size() < Math.min(config.listSize(), config.items())) {
            int item = pickItem(time);
            if (!shown.contains(item)) {
                shown.add(item);
            }
        }
        for (int p = 0; p < shown.size(); p++) {
            events.add(Event.impression(requestId + "-i" + (p + 1), requestId, userId(user), itemId(shown.get(p)),
                    p + 1, "home", "sim", "A", time));
        }
        events.addAll(react(requestId, user, shown, time));
        return events;
    }

    /**
     * How a simulated user reacts to a list someone else ranked (the API): clicks, purchases and views on its items
     * by the same model as the simulator's own lists, each carrying {@code requestId}. Items or users the simulator
     * does not know get no reaction.
     */
    public synchronized List<Event> reactions(String requestId, String userId, List<String> itemIds, long time) {
        int user = index(userId, "u", config.users());
        if (user < 0) {
            return List.of();
        }
        List<Integer> shown = new ArrayList<>(itemIds.size());
        for (String itemId : itemIds) {
            shown.add(index(itemId, "i", config.items()));
        }
        return react(requestId, user, shown, time);
    }

    /**
     * The probability that the user clicks the item shown at the position at that time: the truth an estimate of a
     * ranking's clicks can be checked against. 0 for a user or item the simulator did not make.
     */
    public double clickProbability(String userId, String itemId, int position, long time) {
        int user = index(userId, "u", config.users());
        int item = index(itemId, "i", config.items());
        return user < 0 || item < 0 ? 0 : clickProbability(user, item, position, time);
    }

    private double clickProbability(int user, int item, int position, long time) {
        double[][] taste = time >= config.tasteShiftAt() ? shiftedTaste : userTaste;
        return Math.min(0.95, quality(item, time) * taste[user][itemCategory[item]] * positionBias(position)
                * trend(item, time));
    }

    /** How much the item appeals to anyone, whatever its category; drawn afresh at the taste shift. */
    private double quality(int item, long time) {
        return time >= config.tasteShiftAt() ? shiftedQuality[item] : itemQuality[item];
    }

    /** The user's reactions to the list, position by position; an unknown item (-1) keeps its place unanswered. */
    private List<Event> react(String requestId, int user, List<Integer> shown, long time) {
        List<Event> events = new ArrayList<>();
        for (int p = 0; p < shown.size(); p++) {
            int item = shown.get(p);
            if (item < 0) {
                continue;
            }
            int position = p + 1;
            double pClick = clickProbability(user, item, position, time);
            long reactionTime = time + 1_000 + random.nextInt(20_000);
            if (random.nextDouble() < pClick) {
                events.add(Event.feedback(requestId + "-c" + position, EventType.CLICK, requestId, userId(user),
                        itemId(item), reactionTime));
                if (random.nextDouble() < 0.1) {
                    events.add(Event.feedback(requestId + "-p" + position, EventType.PURCHASE, requestId,
                            userId(user), itemId(item), reactionTime + 5_000));
                }
            } else if (random.nextDouble() < 0.02) {
                events.add(Event.feedback(requestId + "-v" + position, EventType.VIEW, requestId, userId(user),
                        itemId(item), reactionTime));
            }
        }
        return events;
    }

    /** The index of "{prefix}{index + 1}", or -1 for an id the simulator did not make. */
    private static int index(String id, String prefix, int count) {
        if (id == null || !id.startsWith(prefix)) {
            return -1;
        }
        try {
            int index = Integer.parseInt(id.substring(prefix.length())) - 1;
            return index >= 0 && index < count ? index : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code requests} lists at a fixed gap from {@code config.start()}, sorted by event time. */
    public List<Event> history(int requests) {
        List<Event> events = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            events.addAll(request(config.start() + r * config.requestGap().toMillis()));
        }
        events.sort(java.util.Comparator.comparingLong(Event::eventTime));
        return events;
    }

    public double positionBias(int position) {
        return 1.0 / Math.pow(position, 0.7);
    }

    private double trend(int item, long time) {
        double days = Math.abs(time - itemPeak[item]) / 86_400_000.0;
        return 0.3 + 1.7 * Math.exp(-days * days * 4);
    }

    /** Popular-ish items more often, as a ranker would show them; trending items get a boost. */
    private int pickItem(long time) {
        int best = random.nextInt(config.items());
        for (int tries = 0; tries < 2; tries++) {
            int other = random.nextInt(config.items());
            if (quality(other, time) * trend(other, time) > quality(best, time) * trend(best, time)) {
                best = other;
            }
        }
        return best;
    }

    public static String userId(int index) {
        return "u" + (index + 1);
    }

    public static String itemId(int index) {
        return "i" + (index + 1);
    }
}
