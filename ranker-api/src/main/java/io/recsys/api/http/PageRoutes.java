package io.recsys.api.http;

import io.recsys.api.live.LiveSampler;
import io.recsys.api.serving.FeatureHistory;
import io.recsys.api.serving.LoopJournalTail;
import io.recsys.api.serving.QuickPicks;
import io.recsys.schema.feature.EntityKey;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The routes the page's live view reads: the charts' series ({@code GET /v1/live}), users with history to pick
 * ({@code GET /v1/users/recent}) and an entity's feature values over the last minutes
 * ({@code GET /v1/features/{entity}/history}), and the learning loop's latest decisions ({@code GET /v1/models/loop}).
 */
final class PageRoutes {

    /** Answers 200 with the JSON of what {@code work} returns, run off the event loop. */
    @FunctionalInterface
    interface BlockingJson {
        void answer(RoutingContext ctx, Callable<?> work);
    }

    private final LiveSampler live;
    private final QuickPicks quickPicks;
    private final FeatureHistory history;
    private final LoopJournalTail loopJournal;
    private final BlockingJson blocking;

    PageRoutes(LiveSampler live, QuickPicks quickPicks, FeatureHistory history, LoopJournalTail loopJournal,
               BlockingJson blocking) {
        this.live = live;
        this.quickPicks = quickPicks;
        this.history = history;
        this.loopJournal = loopJournal;
        this.blocking = blocking;
    }

    void loopDecisions(RoutingContext ctx) {
        int limit = integer(ctx, "limit", 10);
        blocking.answer(ctx, () -> Map.of("decisions", loopJournal.latest(limit)));
    }

    void live(RoutingContext ctx) {
        blocking.answer(ctx, live::series);
    }

    void recentUsers(RoutingContext ctx) {
        int limit = integer(ctx, "limit", 5);
        blocking.answer(ctx, () -> {
            List<Map<String, Object>> users = new ArrayList<>();
            for (QuickPicks.Pick pick : quickPicks.recent(limit)) {
                Map<String, Object> user = new LinkedHashMap<>();
                user.put("user_id", pick.userId());
                user.put("written_at", java.time.Instant.ofEpochMilli(pick.writtenAt()).toString());
                user.put("clicks_all", pick.clicksAll());
                user.put("recent_items", pick.recentItems());
                user.put("last_item", pick.lastItem());
                users.add(user);
            }
            return Map.of("users", users);
        });
    }

    void featureHistory(RoutingContext ctx) {
        ValidatedRequest request = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
        EntityKey entity;
        try {
            entity = EntityKey.parse(request.getPathParameters().get("entity").getString());
        } catch (IllegalArgumentException e) {
            ErrorResponses.send(ctx, 400, "bad_request", e.getMessage());
            return;
        }
        Duration span = Duration.ofMinutes(integer(ctx, "minutes", 5));
        int points = integer(ctx, "points", 61);
        long end = System.currentTimeMillis();
        blocking.answer(ctx, () -> {
            FeatureHistory.Series series = history.read(entity, end, span, points);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("entity", entity.toString());
            body.put("t", series.at());
            Map<String, List<Double>> features = new LinkedHashMap<>();
            series.features().forEach((name, values) -> features.put(name, finiteOrNull(values)));
            body.put("features", features);
            return body;
        });
    }

    /** JSON has no NaN: a value the read did not have is null, which charts draw as a gap. */
    private static List<Double> finiteOrNull(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add(Double.isFinite(value) ? value : null);
        }
        return list;
    }

    /** A query parameter the OpenAPI document bounds, or its default. */
    private static int integer(RoutingContext ctx, String name, int fallback) {
        ValidatedRequest request = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
        RequestParameter parameter = request.getQuery().get(name);
        return parameter == null || parameter.isNull() ? fallback : parameter.getInteger();
    }
}
