package io.recsys.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/**
 * How every successful answer is written: a JSON body with its status, never to a connection that closed while the
 * answer was worked out. Errors go through {@link ErrorResponses}.
 */
final class JsonResponses {

    /** Shared and thread-safe once configured; records and maps serialize without further setup. */
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private JsonResponses() {
    }

    /** {@code body} through the object mapper; a body it cannot write fails the request with 500. */
    static void send(RoutingContext ctx, int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (IOException e) {
            ctx.fail(500, e);
            return;
        }
        sendText(ctx, status, text);
    }

    /** A body already written as JSON text. */
    static void sendText(RoutingContext ctx, int status, String json) {
        if (ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }
}
