package io.recsys.schema.feature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one definition of every feature and of the parameters that shape them (windows, half-life, prior,
 * position bias, lateness). The Flink job, the store's readers, the API and training all load this, so an
 * online value and an offline value are the same definition by construction.
 */
public final class FeatureRegistry implements Serializable {

    public static final String DEFAULT_RESOURCE = "/feature-registry.json";
    public static final Duration ONE_HOUR = Duration.ofHours(1);
    public static final Duration ONE_DAY = Duration.ofHours(24);

    private final int version;
    private final Duration shortWindow;
    private final Duration halfLife;
    private final double priorStrength;
    private final double defaultGlobalCtr;
    private final double positionBiasExponent;
    private final Duration maxOutOfOrderness;
    private final Duration sourceIdleness;
    private final int recentItems;
    private final Duration retention;
    private final Duration userStateTtl;
    private final Duration feedbackAttributionWindow;
    private final int maxFeedbackPerUserMinute;
    private final int maxListsPerUser;
    private final Set<EntityType> unmatchedFeedbackCountsFor;
    private final List<FeatureDefinition> features;

    private FeatureRegistry(JsonNode root) {
        JsonNode params = root.path("parameters");
        this.version = root.path("version").asInt();
        this.shortWindow = Duration.parse(params.path("short_window").asText());
        this.halfLife = Duration.parse(params.path("half_life").asText());
        this.priorStrength = params.path("prior_strength").asDouble();
        this.defaultGlobalCtr = params.path("default_global_ctr").asDouble();
        this.positionBiasExponent = params.path("position_bias_exponent").asDouble();
        this.maxOutOfOrderness = Duration.parse(params.path("max_out_of_orderness").asText());
        this.sourceIdleness = Duration.parse(params.path("source_idleness").asText());
        this.recentItems = params.path("recent_items").asInt();
        this.retention = Duration.parse(params.path("retention").asText());
        this.userStateTtl = Duration.parse(params.path("user_state_ttl").asText("PT0S"));
        this.feedbackAttributionWindow = Duration.parse(params.path("feedback_attribution_window").asText());
        this.maxFeedbackPerUserMinute = params.path("max_feedback_per_user_minute").asInt();
        this.maxListsPerUser = params.path("max_lists_per_user").asInt();
        Set<EntityType> unmatchedCountsFor = EnumSet.noneOf(EntityType.class);
        for (JsonNode entity : params.path("unmatched_feedback_counts_for")) {
            unmatchedCountsFor.add(EntityType.fromWireName(entity.asText()));
        }
        this.unmatchedFeedbackCountsFor = Collections.unmodifiableSet(unmatchedCountsFor);
        List<FeatureDefinition> defs = new ArrayList<>();
        for (JsonNode f : root.path("features")) {
            JsonNode def = f.get("default");
            defs.add(new FeatureDefinition(f.path("name").asText(), EntityType.fromWireName(f.path("entity").asText()),
                    FeatureType.fromWireName(f.path("type").asText()), defaultValue(def),
                    f.path("window").asText(), Duration.parse(f.path("ttl").asText()), f.path("description").asText()));
        }
        this.features = Collections.unmodifiableList(defs);
        if (version < 1 || shortWindow.isNegative() || shortWindow.isZero() || halfLife.isZero() || priorStrength <= 0
                || recentItems < 1 || features.isEmpty() || feedbackAttributionWindow.isNegative()
                || feedbackAttributionWindow.isZero() || maxFeedbackPerUserMinute < 1 || maxListsPerUser < 1) {
            throw new IllegalArgumentException("feature registry is incomplete or has out-of-range parameters");
        }
    }

    public static FeatureRegistry load() {
        try (InputStream in = FeatureRegistry.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
            }
            return new FeatureRegistry(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    public static FeatureRegistry load(Path file) {
        try {
            return new FeatureRegistry(new ObjectMapper().readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature registry " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("feature registry " + file + " is invalid: " + e.getMessage(), e);
        }
    }

    private static Object defaultValue(JsonNode def) {
        if (def == null || def.isNull()) {
            return null;
        }
        if (def.isIntegralNumber()) {
            return def.longValue();
        }
        if (def.isNumber()) {
            return def.doubleValue();
        }
        if (def.isArray()) {
            return List.of();
        }
        if (def.isObject()) {
            return java.util.Map.of();
        }
        return def.asText();
    }

    public int version() {
        return version;
    }

    public Duration shortWindow() {
        return shortWindow;
    }

    public Duration halfLife() {
        return halfLife;
    }

    public double halfLifeMillis() {
        return halfLife.toMillis();
    }

    public double priorStrength() {
        return priorStrength;
    }

    public double defaultGlobalCtr() {
        return defaultGlobalCtr;
    }

    public Duration maxOutOfOrderness() {
        return maxOutOfOrderness;
    }

    public Duration sourceIdleness() {
        return sourceIdleness;
    }

    public int recentItems() {
        return recentItems;
    }

    /** How long the feature job keeps a user's counters without an event from them; zero for ever. */
    public Duration userStateTtl() {
        return userStateTtl;
    }

    /**
     * How long after a list is shown feedback on one of its items counts as answering it; also how long one user's
     * repeated feedback of one type on one item counts only once.
     */
    public Duration feedbackAttributionWindow() {
        return feedbackAttributionWindow;
    }

    /** A user's feedback beyond this many events in one event-time minute is dead-lettered, not counted. */
    public int maxFeedbackPerUserMinute() {
        return maxFeedbackPerUserMinute;
    }

    /**
     * How many of a user's most recent lists feedback can answer: the feature job's memory per user is bounded by it,
     * whatever one user id is shown. A person is shown far fewer lists within the attribution window; a client
     * shown more (a crawler, a load test) gets its feedback on the older ones counted as unmatched.
     */
    public int maxListsPerUser() {
        return maxListsPerUser;
    }

    /**
     * The entity types whose features count feedback that answers no impression served to that user. Features of
     * the others (an item's clicks and CTR, the global rates, user × category CTR) depend on exposure: counting
     * unmatched feedback there would let anyone who can post a click move what everyone is shown.
     */
    public Set<EntityType> unmatchedFeedbackCountsFor() {
        return unmatchedFeedbackCountsFor;
    }

    public Duration retention() {
        return retention;
    }

    public List<FeatureDefinition> features() {
        return features;
    }

    public List<FeatureDefinition> features(EntityType entity) {
        return features.stream().filter(f -> f.entity() == entity).toList();
    }

    /** Every window a reader needs the start of, shortest first. */
    public Set<Duration> windows() {
        Set<Duration> windows = new TreeSet<>();
        for (FeatureDefinition f : features) {
            if (f.window().equals("short")) {
                windows.add(shortWindow);
            } else if (f.window().startsWith("P")) {
                windows.add(Duration.parse(f.window()));
            }
        }
        return windows;
    }

    /**
     * How likely an impression at this 1-based position is to be examined, relative to position 1:
     * {@code position^-position_bias_exponent}. Summed over an item's impressions, it is the item's examinations.
     */
    public double propensity(int position) {
        return position <= 1 ? 1.0 : Math.pow(position, -positionBiasExponent);
    }
}
