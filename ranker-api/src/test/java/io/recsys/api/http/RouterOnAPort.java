package io.recsys.api.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A real Vert.x server on a free loopback port around a router a test sets up, to try one handler over HTTP. */
final class RouterOnAPort implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    RouterOnAPort(Consumer<Router> routes) {
        Router router = Router.router(vertx);
        routes.accept(router);
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    }

    /** GET with the given header name/value pairs. */
    HttpResponse<String> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery, headers), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
        return http.sendAsync(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String pathAndQuery, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
