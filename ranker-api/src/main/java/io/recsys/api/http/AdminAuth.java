package io.recsys.api.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;

/**
 * Lets an admin request (POST /v1/models/reload) through only with {@code Authorization: Bearer <admin token>},
 * compared in constant time; 401 otherwise. Without a configured token every admin request is refused.
 */
final class AdminAuth implements Handler<RoutingContext> {

    /** Null when no admin token is configured. */
    private final byte[] token;

    private AdminAuth(byte[] token) {
        this.token = token;
    }

    /** @param adminToken the token admin requests must carry; null refuses them all */
    static AdminAuth create(String adminToken) {
        return new AdminAuth(adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!authorized(ctx.request().getHeader("Authorization"))) {
            ErrorResponses.send(ctx, 401, "unauthorized", token == null
                    ? "model reload is disabled: no admin token is configured"
                    : "model reload needs the header 'Authorization: Bearer <admin token>'");
            return;
        }
        ctx.next();
    }

    boolean authorized(String authorizationHeader) {
        if (token == null) {
            return false;
        }
        return BearerToken.of(authorizationHeader).map(given -> BearerToken.matches(given, token)).orElse(false);
    }
}
