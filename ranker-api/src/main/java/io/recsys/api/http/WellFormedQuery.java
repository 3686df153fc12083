package io.recsys.api.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** A query string with a broken %-escape cannot be decoded: 400 saying so, instead of a failure inside the decoder. */
final class WellFormedQuery implements Handler<RoutingContext> {

    private static final WellFormedQuery INSTANCE = new WellFormedQuery();

    private WellFormedQuery() {
    }

    static WellFormedQuery create() {
        return INSTANCE;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String query = ctx.request().query();
        if (query != null && !wellFormedPercentEncoding(query)) {
            ErrorResponses.send(ctx, 400, "bad_request", "the query string has a malformed %-escape");
            return;
        }
        ctx.next();
    }

    static boolean wellFormedPercentEncoding(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }
}
